'use strict';
// The JavaScript face of miniprogram-links: turns calls into JSON text for the
// WebAssembly core and its answers back into objects and `LinkError`s.
// Validation, requests, parsing and token logic all live in the core, and
// every call into it is synchronous: this file does all the awaiting its steps
// ask for (send, timers, the caller's token function and tokenStore).

const bindings = require('./miniprogram_links.js');
const { nodeSend, fetchSend } = require('./transport.cjs');

// A trap (a Rust panic: a bug) leaves the WebAssembly instance unusable. The
// glue can re-instantiate it; every client then rebuilds its core from its
// options on its next call. `instance` counts the re-instantiations: a call in
// progress rejects at its next step (every wait it does is bounded by timeoutMs).
let instance = 0;

function isTrap(thrown) {
  return thrown instanceof WebAssembly.RuntimeError;
}

function recoverFrom(thrown) {
  if (isTrap(thrown) && typeof bindings.__wbg_reset_state === 'function') {
    bindings.__wbg_reset_state();
    instance += 1;
  }
}

const OPTIONAL_FIELDS = ['field', 'errcode', 'errmsg', 'status', 'logId'];

class LinkError extends Error {
  constructor(fields) {
    super(fields.message);
    this.name = 'LinkError';
    this.code = fields.code;
    this.platform = fields.platform;
    this.api = fields.api;
    this.retryable = fields.retryable === true;
    this.class = fields.class;
    for (const name of OPTIONAL_FIELDS) {
      if (fields[name] !== undefined) this[name] = fields[name];
    }
  }
}

// JSON cannot carry these values; markers let the core name the wrong type
// instead of the value silently disappearing.
function markNonJson(key, value) {
  const raw = this[key];
  if (raw instanceof Date) {
    const ms = raw.getTime();
    return { $type: 'Date', ms: Number.isNaN(ms) ? null : ms };
  }
  switch (typeof value) {
    case 'function':
      return { $type: 'function' };
    case 'symbol':
      return { $type: 'Symbol' };
    case 'bigint':
      return { $type: 'BigInt' };
    case 'number':
      if (Number.isNaN(value)) return { $type: 'NaN' };
      if (!Number.isFinite(value)) return { $type: value > 0 ? 'Infinity' : '-Infinity' };
      return value;
    default:
      return value;
  }
}

// `baseUrl` read once, by the WHATWG parser that the built-in transport and any
// `fetch` connect with: the core checks the host found here, so it checks the
// host the requests go to. `{ $type: 'URL' }` alone: not a URL at all.
function urlParts(value) {
  if (typeof value !== 'string' && !(value instanceof URL)) return value;
  let url;
  try {
    url = new URL(value);
  } catch {
    return { $type: 'URL' };
  }
  const { href, protocol, username, password, hostname, port, pathname } = url;
  return { $type: 'URL', href, protocol, username, password, hostname, port, pathname };
}

// What went wrong, from anything thrown: a revoked Proxy or a throwing
// `message` getter must not turn into a second, raw exception.
function reasonOf(thrown) {
  try {
    const message = thrown !== null && typeof thrown === 'object' ? thrown.message : undefined;
    return typeof message === 'string' ? message : String(thrown);
  } catch {
    return 'it threw while being read';
  }
}

function invalid(platform, api, field, message) {
  return new LinkError({ code: 'INVALID_ARGUMENT', platform, api, retryable: false, class: 'invalid', field, message: `${field}: ${message}` });
}

// Circular references, throwing getters and revoked proxies make
// JSON.stringify throw: that is the caller's argument being unreadable.
function toJson(value, platform, api, field) {
  try {
    return JSON.stringify(value === undefined ? {} : value, markNonJson);
  } catch (err) {
    const reason = reasonOf(err);
    throw invalid(platform, api, field, `cannot be read: ${reason}`);
  }
}

function fromCore(thrown, platform, api) {
  if (typeof thrown === 'string') return new LinkError(JSON.parse(thrown));
  if (thrown instanceof LinkError) return thrown;
  // Only a bug in the package gets here (a trap inside the WebAssembly module).
  recoverFrom(thrown);
  return internalError(platform, api, reasonOf(thrown));
}

function internalError(platform, api, reason) {
  return new LinkError({ code: 'INTERNAL_ERROR', platform, api, retryable: false, class: 'internal', message: `${api}: internal error: ${reason}` });
}

// Node: the built-in transport (transport.cjs); elsewhere the global fetch.
function defaultSend() {
  if (typeof process === 'object' && process.versions && process.versions.node) return nodeSend;
  return typeof globalThis.fetch === 'function' ? fetchSend(globalThis.fetch) : undefined;
}

// batch.cjs loads on a client's first generateMany: most processes never call it.
function bindGenerateMany(...args) {
  let bound = null;
  return function generateMany(requests, options) {
    bound = bound || require('./batch.cjs').bindGenerateMany(...args);
    return bound(requests, options);
  };
}

function createCore(kind, platform, options) {
  if (options === null || typeof options !== 'object') {
    throw invalid(platform, kind, 'options', 'must be an object');
  }
  let described;
  let hooks;
  try {
    const store = options.tokenStore;
    // Class instances keep their methods on the prototype, where JSON never looks.
    const methods = store !== null && typeof store === 'object' ? { get: store.get, set: store.set, lock: store.lock } : undefined;
    described = { ...options, tokenStore: methods || store, baseUrl: urlParts(options.baseUrl) };
    const fetchImpl = options.fetch;
    hooks = {
      send: fetchImpl === undefined ? defaultSend() : typeof fetchImpl === 'function' ? fetchSend(fetchImpl) : undefined,
      // The core accepts one way to authenticate: at most one of these is a function.
      tokenFunction: typeof described.accessToken === 'function' ? described.accessToken : described.cloudbaseAccessToken,
      store,
      // The functions the core checked (through `described`), called with `store` as `this`.
      methods: methods || {},
    };
  } catch (err) {
    throw invalid(platform, kind, 'options', `cannot be read: ${reasonOf(err)}`);
  }
  const text = toJson(described, platform, kind, 'options');
  const build = () => {
    try {
      return new bindings.Core(kind, text, hooks.send !== undefined, typeof hooks.methods.lock === 'function');
    } catch (thrown) {
      throw fromCore(thrown, platform, kind);
    }
  };
  let core = build();
  let builtFor = instance;
  // The token refresh in flight on `core`: concurrent callers share it.
  let refreshing = null;
  return {
    // The client's core, rebuilt if the module was re-instantiated since.
    core() {
      if (builtFor !== instance) {
        core = build();
        builtFor = instance;
        refreshing = null;
      }
      return core;
    },
    send: hooks.send,
    hooks,
    // The token method's name, for the refresh's own errors (set by tokenMethod).
    tokenApi: kind,
    // The token refresh in flight, or a new one (the core said one is needed:
    // a `T` or `R` step). Resolves to the token's JSON text (`getAccessToken`'s
    // result), rejects with a LinkError; every caller waiting gets that outcome.
    refresh(force) {
      this.core(); // a core rebuilt after a reset has no refresh in flight
      if (refreshing === null) {
        const promise = drive(this, platform, this.tokenApi, (c) => c.refresh(force));
        const over = () => {
          if (refreshing === promise) refreshing = null;
        };
        promise.then(over, over);
        refreshing = promise;
      }
      return refreshing;
    },
  };
}

// A link method: the core validates and decides (src/wasm/session.rs `Step`),
// `drive` sends, waits and asks for tokens. A call with a cached token is two
// synchronous calls into the core, `begin` and `answer`, around one `send`.
function method(client, platform, api) {
  const number = bindings.apiNumber(api);
  return function (request) {
    try {
      const text = toJson(request, platform, api, 'request');
      return drive(client, platform, api, (core) => core.begin(number, text, Date.now())).then(JSON.parse);
    } catch (thrown) {
      return Promise.reject(fromCore(thrown, platform, api));
    }
  };
}

const SEND = 83; // 'S'
const WAIT = 87; // 'W'
const REFRESH = 84; // 'T': wait for the client's token refresh
const RENEW = 82; // 'R': getAccessToken needs a refresh
const FUNCTION = 70; // 'F': the caller's token function
const GET = 71; // 'G': tokenStore.get
const LOCK = 76; // 'L': tokenStore.lock
const SET = 80; // 'P': tokenStore.set
const RELEASE = 85; // 'U': the release function tokenStore.lock handed over

// How a caller's function settled, as `Core.settled` takes it.
const RESOLVED = 0;
const THREW = 1;
const SILENT = 2;
const LATE = {};

// The first `count` NUL-separated fields of a step after its letter, and the rest.
function fields(step, count) {
  const out = [];
  let from = 1;
  for (let i = 0; i < count; i++) {
    const end = step.indexOf('\0', from);
    out.push(step.slice(from, end));
    from = end + 1;
  }
  out.push(step.slice(from));
  return out;
}

// Calls a caller's function and waits at most `ms` for it to settle: one that
// never does must not hold the call, nor every call sharing its token, forever.
// `onLate` gets what it resolves to after that. Resolves to [RESOLVED, value],
// [THREW, thrown] or [SILENT].
function settle(fn, self, args, ms, onLate) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms, LATE);
  });
  let called;
  try {
    called = Reflect.apply(fn, self, args);
  } catch (thrown) {
    clearTimeout(timer);
    return Promise.resolve([THREW, thrown]);
  }
  return Promise.race([called, late]).then(
    (value) => {
      clearTimeout(timer);
      if (value !== LATE) return [RESOLVED, value];
      if (onLate) Promise.resolve(called).then(onLate, () => {});
      return [SILENT];
    },
    (thrown) => {
      clearTimeout(timer);
      return [THREW, thrown];
    }
  );
}

// A lock taken after the call stopped waiting for it: nobody else will release
// it, and until its TTL it would bar every instance from fetching a token.
function releaseNow(release) {
  if (typeof release !== 'function') return;
  try {
    Promise.resolve(release()).catch(() => {});
  } catch {
    // Its TTL ends it.
  }
}

// What a hook step calls, as [function, this, arguments]: the caller's token
// function, a tokenStore method (with the store's `key()`), or the `release`
// function tokenStore.lock handed over.
function hookCall(letter, hooks, key, fields, release) {
  const { tokenFunction, store, methods } = hooks;
  switch (letter) {
    case FUNCTION:
      return [tokenFunction, null, []];
    case GET:
      return [methods.get, store, [key()]];
    case LOCK:
      return [methods.lock, store, [key(), Number(fields[0])]];
    case SET: {
      const [expiresAt, refreshAt, accessToken] = fields;
      return [methods.set, store, [key(), { accessToken, expiresAt: Number(expiresAt), refreshAt: Number(refreshAt) }]];
    }
    default:
      return [release, null, []];
  }
}

// Runs a job (a link call, a token refresh) from its first step, `start(core)`,
// to its `D` step; resolves to that step's JSON text, rejects with a LinkError.
async function drive(client, platform, api, start) {
  const generation = instance;
  // The core this job started on: after a reset its jobs are gone.
  const core = () => {
    if (instance !== generation) throw internalError(platform, api, 'the WebAssembly instance failed and was reset');
    return client.core();
  };
  // What tokenStore.lock handed over, for the `U` step.
  let release;
  try {
    let step = start(core());
    for (;;) {
      const letter = step.charCodeAt(0);
      switch (letter) {
        case SEND: {
          const [id, timeoutMs, method, url, headers, body] = fields(step, 5);
          let reply;
          try {
            // An empty body is none (a GET): request bodies are JSON text.
            reply = await client.send(method, url, headers, body || undefined, Number(timeoutMs));
          } catch (thrown) {
            step = core().failed(Number(id), thrown);
            break;
          }
          const [status, text] = reply;
          step = core().answer(Number(id), typeof status === 'number' ? status : 0, typeof text === 'string' ? text : undefined);
          break;
        }
        case WAIT: {
          const [id, ms] = fields(step, 1);
          await new Promise((resolve) => setTimeout(resolve, Number(ms)));
          step = core().resume(Number(id));
          break;
        }
        case REFRESH: {
          const id = Number(step.slice(1));
          let token;
          try {
            token = JSON.parse(await client.refresh(false)).accessToken;
          } catch (err) {
            core().abandon(id);
            throw new LinkError(err); // each caller its own
          }
          step = core().resumeWith(id, token);
          break;
        }
        case FUNCTION:
        case GET:
        case LOCK:
        case SET:
        case RELEASE: {
          const [id, timeoutMs, ...rest] = fields(step, letter === SET ? 4 : letter === LOCK ? 2 : 1);
          const [fn, self, args] = hookCall(letter, client.hooks, () => core().storeKey, rest, release);
          const [outcome, value] = await settle(fn, self, args, Number(timeoutMs), letter === LOCK ? releaseNow : undefined);
          if (letter === LOCK) release = value;
          step = core().settled(Number(id), outcome, value);
          break;
        }
        default:
          return step.slice(1);
      }
    }
  } catch (thrown) {
    throw fromCore(thrown, platform, api);
  }
}

function tokenMethod(client, platform, api) {
  client.tokenApi = api;
  return function getAccessToken(request) {
    try {
      const text = toJson(request, platform, api, 'request');
      const step = client.core().accessToken(text);
      const result = step.charCodeAt(0) === RENEW ? client.refresh(step[1] === '1') : Promise.resolve(step.slice(1));
      return result.then(JSON.parse, (err) => {
        throw new LinkError(err); // each caller its own
      });
    } catch (thrown) {
      return Promise.reject(fromCore(thrown, platform, api));
    }
  };
}

class WeChatClient {
  constructor(options) {
    const client = createCore('WeChatClient', 'wechat', options);
    const core = client.core;
    const call = (api) => method(client, 'wechat', api);
    this.getAccessToken = tokenMethod(client, 'wechat', 'auth.getAccessToken');
    this.urlscheme = Object.freeze({
      generate: call('urlscheme.generate'),
      generateNFC: call('urlscheme.generateNFC'),
      query: call('urlscheme.query'),
    });
    this.urllink = Object.freeze({ generate: call('urllink.generate'), query: call('urllink.query') });
    this.shortlink = Object.freeze({ generate: call('shortlink.generate') });
    this.plainScheme = function plainScheme(request) {
      const text = toJson(request, 'wechat', 'plainScheme', 'request');
      try {
        return core().plainScheme(text);
      } catch (thrown) {
        throw fromCore(thrown, 'wechat', 'plainScheme');
      }
    };
    // Bulk generation (batch.cjs) through the methods above.
    this.generateMany = bindGenerateMany(
      'wechat',
      { urlscheme: this.urlscheme.generate, urllink: this.urllink.generate, shortlink: this.shortlink.generate, plainScheme: this.plainScheme },
      LinkError
    );
    if (typeof bindings.Core.prototype.panicForTests === 'function') {
      // Test builds only (cargo feature panic-probe): traps the instance, now
      // or from a timer, as a trap on a later step of a call would.
      this.panicForTests = () => {
        try {
          core().panicForTests();
        } catch (thrown) {
          throw fromCore(thrown, 'wechat', 'panicForTests');
        }
      };
      this.panicLaterForTests = () => new Promise((resolve) => setTimeout(resolve, 0)).then(this.panicForTests);
    }
    Object.freeze(this);
  }
}

class DouyinClient {
  constructor(options) {
    const client = createCore('DouyinClient', 'douyin', options);
    // createCore read `api` already; a getter that throws only now means v1.
    let prefix = 'douyin.';
    try {
      if (options.api === 'v2') prefix = 'douyin.v2.';
    } catch {}
    const call = (api) => method(client, 'douyin', api);
    this.getAccessToken = tokenMethod(client, 'douyin', `${prefix}getAccessToken`);
    this.urlLink = Object.freeze({
      generate: call(`${prefix}urlLink.generate`),
      queryInfo: call('douyin.v2.urlLink.queryInfo'),
      queryQuota: call('douyin.v2.urlLink.queryQuota'),
    });
    // Bulk generation (batch.cjs) through the method above.
    this.generateMany = bindGenerateMany('douyin', { 'douyin.urlLink': this.urlLink.generate }, LinkError, {
      'douyin.urlLink': `${prefix}urlLink.generate`,
    });
    Object.freeze(this);
  }
}

// An encrypted URL Scheme or a URL Link with the developer's own query: built
// by the core, synchronously; no client, no request.
function appendCq(link, cq) {
  const text = toJson({ link, cq }, 'wechat', 'appendCq', 'request');
  try {
    return bindings.appendCq(text);
  } catch (thrown) {
    throw fromCore(thrown, 'wechat', 'appendCq');
  }
}

module.exports = { WeChatClient, DouyinClient, LinkError, appendCq };
