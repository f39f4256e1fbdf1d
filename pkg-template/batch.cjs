'use strict';
// Bulk link generation: `client.generateMany(requests, options)`.
//
// A thin scheduler on top of the client's own generate methods. Every row goes
// through the same method a single call would use, so validation stays in the
// WebAssembly core (an invalid row comes back as its INVALID_ARGUMENT LinkError
// without a request), and so do token handling and the retries of transient
// failures (the client's `retries` option): nothing here retries anything.
//
// What it adds:
//   - a limit on rows in flight (`concurrency`);
//   - a start-rate limiter per client and API (`ratePerSecond`): starts are spaced
//     evenly, 1/rate apart, and a late start never "catches up" with a burst, so a
//     fixed one-second window (how the platforms count) sees at most rate + 1;
//   - a warm-up: until the first row has settled only one is in flight, so the
//     access token (and the keep-alive connection) is fetched once, not by every
//     row at the same moment, and a wrong secret fails one row, not `concurrency`;
//   - stopping: on a quota error, a non-retryable token failure, an AbortSignal or
//     the consumer leaving the loop, no new row is started.

// The kinds, each the API of one generate method. The limiter's default rate is
// 90% of the API's documented per-second limit in the core's endpoint table;
// Short Links have none documented and get the strictest WeChat one (URL
// Scheme's). A plain scheme is built locally, sends nothing and is not limited.
const KINDS = {
  wechat: {
    urlscheme: { api: 'urlscheme.generate', group: 'urlscheme' },
    nfc: { api: 'urlscheme.generateNFC', group: 'nfc' },
    urllink: { api: 'urllink.generate', group: 'urllink' },
    shortlink: { api: 'shortlink.generate', group: 'shortlink' },
    plainScheme: { api: 'plainScheme', group: null },
  },
  douyin: {
    'douyin.urlLink': { api: 'douyin.urlLink.generate', group: 'douyin' },
    'douyin.schema': { api: 'douyin.v2.schema.generate', group: 'douyin.schema' },
  },
};
const SHARE_OF_LIMIT = 0.9;
const ENDPOINTS = JSON.parse(require('./miniprogram_links.js').endpoints());

/** The default starts per second for `api` (a kind's, or the one `apis` renamed it to). */
function defaultRate(platform, api) {
  const endpoint = ENDPOINTS[api];
  if (endpoint === undefined) return Infinity;
  const documented = Object.values(ENDPOINTS).filter((e) => e.platform === platform && e.perSecond !== undefined);
  const perSecond = endpoint.perSecond !== undefined ? endpoint.perSecond : Math.min(...documented.map((e) => e.perSecond));
  return Math.floor(perSecond * SHARE_OF_LIMIT);
}
// Accepted spellings of the Douyin kind.
const ALIASES = { douyin: { urlLink: 'douyin.urlLink', 'douyin.urllink': 'douyin.urlLink', schema: 'douyin.schema' } };

const DEFAULT_CONCURRENCY = 32;
const OPTION_NAMES = ['kind', 'concurrency', 'ratePerSecond', 'onProgress', 'signal'];

/** Evenly spaced starts, shared by every run on one client and API. */
class StartLimiter {
  constructor() {
    this.next = 0; // the earliest time (ms) the next start may happen
  }
  /** Reserves the next start slot for a run at `rate` per second; returns the wait in ms. */
  reserve(rate) {
    if (rate === Infinity) return 0;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / rate;
    return at - now;
  }
}

function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function openSource(requests) {
  if (Array.isArray(requests)) {
    let i = 0;
    return { next: () => (i < requests.length ? { done: false, value: requests[i++] } : { done: true }), total: requests.length };
  }
  if (requests !== null && typeof requests === 'object') {
    const asyncIt = requests[Symbol.asyncIterator];
    if (typeof asyncIt === 'function') {
      const it = asyncIt.call(requests);
      return { next: () => it.next(), close: () => it.return && it.return(), total: undefined };
    }
    const syncIt = requests[Symbol.iterator];
    if (typeof syncIt === 'function') {
      const it = syncIt.call(requests);
      return { next: () => it.next(), close: () => it.return && it.return(), total: undefined };
    }
  }
  return null;
}

/**
 * Builds a client's `generateMany`. Called by the client constructors in
 * index.cjs with the client's own generate methods, by kind: `{ urlscheme,
 * nfc, urllink, shortlink, plainScheme }` for WeChat, `{ 'douyin.urlLink', 'douyin.schema' }` for Douyin;
 * `apis` may rename a kind's API for errors (`douyin.v2.urlLink.generate`).
 */
function bindGenerateMany(platform, methods, LinkError, apis = {}) {
  const limiters = new Map(); // group -> StartLimiter: one per client and API
  const kinds = KINDS[platform];

  function invalid(field, message) {
    return new LinkError({ code: 'INVALID_ARGUMENT', platform, api: 'generateMany', retryable: false, class: 'invalid', field, message: `${field}: ${message}` });
  }

  function readOptions(options) {
    if (options === null || typeof options !== 'object') throw invalid('options', `must be an object, got ${describe(options)}`);
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw invalid(`options.${key}`, `unknown option (known: ${OPTION_NAMES.join(', ')})`);
    }
    const given = options.kind;
    const name = typeof given === 'string' && ALIASES[platform] && ALIASES[platform][given] ? ALIASES[platform][given] : given;
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(kinds, name)) {
      throw invalid('options.kind', `must be one of ${Object.keys(kinds).map((k) => `'${k}'`).join(', ')}, got ${typeof given === 'string' ? `'${given}'` : describe(given)}`);
    }
    let kind = kinds[name];
    if (apis[name]) kind = Object.assign({}, kind, { api: apis[name] });
    const concurrency = options.concurrency === undefined ? DEFAULT_CONCURRENCY : options.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw invalid('options.concurrency', 'must be a whole number, at least 1');
    const rate = options.ratePerSecond === undefined ? defaultRate(platform, kind.api) : options.ratePerSecond;
    if (typeof rate !== 'number' || Number.isNaN(rate) || rate <= 0) throw invalid('options.ratePerSecond', 'must be a number above 0 (Infinity: no limit)');
    const onProgress = options.onProgress;
    if (onProgress !== undefined && typeof onProgress !== 'function') throw invalid('options.onProgress', 'must be a function');
    const signal = options.signal;
    if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
      throw invalid('options.signal', 'must be an AbortSignal');
    }
    let limiter = null;
    if (kind.group !== null) {
      limiter = limiters.get(kind.group);
      if (!limiter) limiters.set(kind.group, (limiter = new StartLimiter()));
    }
    const fn = methods[name];
    return { kind, fn, concurrency, rate, onProgress, signal, limiter };
  }

  /**
   * Generates one link per request, `concurrency` at a time and at most
   * `ratePerSecond` starts a second, and yields each outcome as it settles.
   *
   * @param requests an array (or any iterable or async iterable) of requests,
   *   each what the `kind`'s generate method takes. `index` is the position in it.
   * @param options `{ kind, concurrency?, ratePerSecond?, onProgress?, signal? }`:
   *   - `kind`: `'urlscheme'`, `'urllink'`, `'shortlink'` or `'plainScheme'`
   *     (WeChatClient), `'douyin.urlLink'` (DouyinClient);
   *   - `concurrency`: rows in flight at most (default 32);
   *   - `ratePerSecond`: starts per second at most, shared by all runs of this
   *     client on the same API (defaults, 90% of the documented limits: URL Link
   *     180, URL Scheme 90, Douyin 90; Short Link 90, as it has no documented
   *     limit; `plainScheme` sends nothing and is not limited);
   *   - `onProgress({ total, done, succeeded, failed, notDone, inFlight })`: after
   *     every settled row (`total` is undefined unless `requests` is an array);
   *   - `signal`: an AbortSignal; once aborted no row is started, the rows in
   *     flight finish and are yielded, then the rest are yielded as not done.
   * @returns an async iterable of, in completion order:
   *   - `{ index, result }`: the generate method's result (for `plainScheme`, the string);
   *   - `{ index, error }`: its LinkError (an invalid row: INVALID_ARGUMENT, never sent);
   *   - `{ index, error }` with `error.code === 'NOT_DONE'`: the row was never
   *     started because the run stopped. `error.reason` says why: `'quota'` (a
   *     row answered a quota errcode: 45009, 44993, 85400, 12021, 28003017),
   *     `'auth'` (the access token could not be had and retrying would not help,
   *     e.g. a wrong secret), or `'aborted'` (the signal). Every remaining
   *     request is yielded so, in order, as soon as the run stops (so `requests`
   *     must be finite), while the rows in flight are yielded as they settle.
   *     Nothing is retried: running those rows again is the caller's decision.
   *   Leaving the loop early (`break`, `return`, a throw) stops the run too: no
   *   new row starts and the results of the rows still in flight are dropped.
   *   Every request yields exactly one outcome otherwise. The iterable rejects
   *   only if `requests` itself throws or `onProgress` throws (after the rows in
   *   flight have settled).
   */
  return function generateMany(requests, options) {
    const opts = readOptions(options);
    const source = openSource(requests);
    if (source === null) throw invalid('requests', `must be an array or an iterable of requests, got ${describe(requests)}`);
    return run(source, opts);
  };

  function run(source, { kind, fn, concurrency, rate, onProgress, signal, limiter }) {
    const counts = { total: source.total, done: 0, succeeded: 0, failed: 0, notDone: 0, inFlight: 0 };
    const ready = []; // outcomes waiting for the consumer
    let consumer = null; // { resolve, reject } of a pending next()
    let started = false; // the dispatcher runs from the first next()
    let closed = false; // the consumer left (return()), or the run ended
    let dispatching = false;
    let stopReason = null; // 'quota' | 'auth' | 'aborted' | 'closed'
    let stopCause = null;
    let fatal = null; // an error from `requests` or `onProgress`, thrown at the end
    let warm = false; // the first row has settled
    let wake = null; // resolves a wait of the dispatcher (slot free, timer, stop)
    let onAbort = null;

    function poke() {
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    }

    function stop(reason, cause) {
      if (stopReason !== null) return;
      stopReason = reason;
      stopCause = cause;
      poke();
    }

    function deliver() {
      if (!consumer) return;
      if (ready.length > 0) {
        const c = consumer;
        consumer = null;
        c.resolve({ value: ready.shift(), done: false });
      } else if (!dispatching && counts.inFlight === 0) {
        const c = consumer;
        consumer = null;
        finish();
        if (fatal) c.reject(fatal.error);
        else c.resolve({ value: undefined, done: true });
      }
    }

    function finish() {
      if (closed) return;
      closed = true;
      if (signal && onAbort) signal.removeEventListener('abort', onAbort);
    }

    function progress() {
      if (!onProgress || fatal) return;
      try {
        onProgress({ ...counts });
      } catch (err) {
        fatal = { error: err };
        stop('closed', null);
      }
    }

    function settle(outcome, failed) {
      if (closed) return; // the consumer left: results are dropped
      counts.done += 1;
      if (outcome.error && outcome.error.code === 'NOT_DONE') counts.notDone += 1;
      else if (failed) counts.failed += 1;
      else counts.succeeded += 1;
      ready.push(outcome);
      progress();
      deliver();
    }

    function notDone(index) {
      const reason = stopReason;
      let why;
      if (reason === 'quota') {
        why = `the run stopped: ${stopCause.api} answered errcode ${stopCause.errcode} (quota used up)`;
      } else if (reason === 'auth') {
        why = `the run stopped: the access token could not be had (${stopCause.code}${stopCause.errcode !== undefined ? ` ${stopCause.errcode}` : ''})`;
      } else {
        why = 'the run was aborted';
      }
      const err = new LinkError({ code: 'NOT_DONE', platform, api: kind.api, retryable: false, class: reason, message: `${kind.api}: not started: ${why}` });
      err.reason = reason;
      return err;
    }

    // The core's class: a used-up quota, or no usable token, ends the run.
    function classify(err) {
      if (err && (err.class === 'quota' || err.class === 'auth')) stop(err.class, err);
    }

    function startRow(index, request) {
      let promise;
      try {
        promise = Promise.resolve(fn(request));
      } catch (err) {
        promise = Promise.reject(err);
      }
      counts.inFlight += 1;
      promise.then(
        (result) => {
          counts.inFlight -= 1;
          warm = true;
          settle({ index, result }, false);
          poke();
        },
        (error) => {
          counts.inFlight -= 1;
          warm = true;
          classify(error);
          settle({ index, error }, true);
          poke();
        }
      );
    }

    // Resolves when poked (a row settled, a stop) or after `ms` (if given).
    function waitForPoke(ms) {
      return new Promise((resolve) => {
        let timer = null;
        wake = () => {
          if (timer !== null) clearTimeout(timer);
          resolve();
        };
        if (ms !== undefined) {
          timer = setTimeout(() => {
            timer = null;
            if (wake) {
              wake = null;
            }
            resolve();
          }, ms);
        }
      });
    }

    async function dispatch() {
      let index = 0;
      let sourceDone = false;
      try {
        while (stopReason === null) {
          // A free slot: one row until the first has settled, then `concurrency`.
          while (stopReason === null && counts.inFlight >= (warm ? concurrency : 1)) await waitForPoke();
          if (stopReason !== null) break;
          const item = await source.next();
          if (item.done) {
            sourceDone = true;
            break;
          }
          if (stopReason !== null) {
            if (stopReason !== 'closed') settle({ index, error: notDone(index) }, true);
            index += 1;
            break;
          }
          if (limiter) {
            const wait = limiter.reserve(rate);
            if (wait > 0) {
              const until = Date.now() + wait;
              // Woken early by a settled row: sleep on until the slot is due.
              while (stopReason === null && Date.now() < until) await waitForPoke(until - Date.now());
            }
          }
          if (stopReason !== null) {
            if (stopReason !== 'closed') settle({ index, error: notDone(index) }, true);
            index += 1;
            break;
          }
          startRow(index, item.value);
          index += 1;
        }
        if (!sourceDone && stopReason !== 'closed') {
          // Every request left is reported as not done.
          for (;;) {
            const item = await source.next();
            if (item.done) break;
            settle({ index, error: notDone(index) }, true);
            index += 1;
          }
          sourceDone = true;
        }
      } catch (err) {
        if (!fatal) fatal = { error: err };
        stopReason = stopReason || 'closed';
      } finally {
        if (!sourceDone && source.close) {
          try {
            const closing = source.close();
            if (closing && typeof closing.then === 'function') closing.then(undefined, () => {});
          } catch (_) {
            // a failing return() of the caller's iterator changes nothing here
          }
        }
        dispatching = false;
        deliver();
      }
    }

    function begin() {
      if (started) return;
      started = true;
      dispatching = true;
      if (signal) {
        if (signal.aborted) stop('aborted', null);
        else {
          onAbort = () => stop('aborted', null);
          signal.addEventListener('abort', onAbort);
        }
      }
      dispatch().catch((err) => {
        // Not expected (dispatch catches what it awaits): end the run with it.
        if (!fatal) fatal = { error: err };
        dispatching = false;
        deliver();
      });
    }

    const iterator = {
      next() {
        if (closed && ready.length === 0) return Promise.resolve({ value: undefined, done: true });
        begin();
        if (consumer) return Promise.reject(new Error('generateMany: next() called before the previous call settled'));
        return new Promise((resolve, reject) => {
          consumer = { resolve, reject };
          deliver();
        });
      },
      return(value) {
        stop('closed', null);
        ready.length = 0;
        finish();
        if (consumer) {
          const c = consumer;
          consumer = null;
          c.resolve({ value: undefined, done: true });
        }
        return Promise.resolve({ value, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }
}

module.exports = { bindGenerateMany, KINDS, defaultRate, StartLimiter };
