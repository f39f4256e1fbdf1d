'use strict';
// The JavaScript face of miniprogram-links: turns calls into JSON text for the
// WebAssembly core, and the fields of its errors into `LinkError`s.
// Validation, requests, parsing and token logic all live in the core; its link
// calls and token refreshes are async Rust, which awaits what `io` below offers
// it: the transport, timers, the caller's token function, tokenStore and
// rateLimiter; and publishes on the diagnostics channels through it.

const bindings = require('./miniprogram_links.js');
const { nodeSend, fetchSend } = require('./transport.cjs');
const { observes, publish } = require('./diagnostics.cjs');

// A trap (a Rust panic: a bug) leaves the WebAssembly instance unusable. The
// glue can re-instantiate it; every client then rebuilds its core from its
// options on its next call. `instance` counts the re-instantiations. A trap
// can come from a call into the core or, while a future is polled, from
// wasm-bindgen-futures' task queue (the glue hands those to `recoverFrom`,
// see patch_glue in scripts/lib.sh); either way every call in progress dies
// with the instance, so each one's `fail` in `inProgress` rejects it.
let instance = 0;
const inProgress = new Set();

function isTrap(thrown) {
  return thrown instanceof WebAssembly.RuntimeError;
}

function recoverFrom(thrown) {
  if (isTrap(thrown) && typeof bindings.__wbg_reset_state === 'function') {
    bindings.__wbg_reset_state();
    instance += 1;
    const dying = [...inProgress];
    inProgress.clear();
    for (const fail of dying) fail(thrown);
  }
}

if (typeof bindings.__wbg_on_trap === 'function') bindings.__wbg_on_trap(recoverFrom);

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

// What the core threw or rejected with: a LinkError's fields (a plain object),
// or a trap.
function fromCore(thrown, platform, api) {
  if (thrown instanceof LinkError) return thrown;
  if (thrown !== null && typeof thrown === 'object' && Object.getPrototypeOf(thrown) === Object.prototype) return new LinkError(thrown);
  // Only a bug in the package gets here (a trap inside the WebAssembly module).
  recoverFrom(thrown);
  return internalError(platform, api, reasonOf(thrown));
}

// A call into the core that returns a promise, settled as a LinkError or the
// result; rejected with INTERNAL_ERROR if the instance traps meanwhile.
function inCore(platform, api, start) {
  return new Promise((resolve, reject) => {
    const fail = (thrown) => reject(internalError(platform, api, `the WebAssembly instance failed and was reset (${reasonOf(thrown)})`));
    inProgress.add(fail);
    let pending;
    try {
      pending = start();
    } catch (thrown) {
      inProgress.delete(fail);
      reject(fromCore(thrown, platform, api));
      return;
    }
    pending.then(
      (result) => {
        inProgress.delete(fail);
        resolve(result);
      },
      (thrown) => {
        inProgress.delete(fail);
        reject(fromCore(thrown, platform, api));
      }
    );
  });
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

// Waits `ms`; the core's retry pauses and tokenStore polls.
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Calls a caller's function and waits at most `ms` for it to settle: one that
// never does must not hold the call, nor every call sharing its token, forever.
// `onLate` gets what it resolves to after that. Resolves to [0, value]
// (resolved), [1, thrown] (threw or rejected) or [2] (did not settle in time).
const LATE = {};
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
    return Promise.resolve([1, thrown]);
  }
  return Promise.race([called, late]).then(
    (value) => {
      clearTimeout(timer);
      if (value !== LATE) return [0, value];
      if (onLate) Promise.resolve(called).then(onLate, () => {});
      return [2];
    },
    (thrown) => {
      clearTimeout(timer);
      return [1, thrown];
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

// What the core awaits (src/wasm/js.rs `Io`): the transport, timers, the
// caller's hooks by name, each bounded by timeoutMs, and the diagnostics channels.
function createIo(send, tokenFunction, store, methods, limiter) {
  return {
    send,
    sleep,
    observes,
    publish,
    hook(name, args, ms) {
      switch (name) {
        case 'token':
          return settle(tokenFunction, null, args, ms);
        case 'take':
          return settle(limiter.take, limiter.self, args, ms);
        case 'lock':
          return settle(methods.lock, store, args, ms, releaseNow);
        case 'release':
          return settle(args[0], null, [], ms);
        default:
          // `get` and `set`: the functions the core checked, called with `store` as `this`.
          return settle(methods[name], store, args, ms);
      }
    },
  };
}

function createCore(kind, platform, options) {
  if (options === null || typeof options !== 'object') {
    throw invalid(platform, kind, 'options', 'must be an object');
  }
  let described;
  let io;
  let locks;
  try {
    const store = options.tokenStore;
    // Class instances keep their methods on the prototype, where JSON never looks.
    const methods = store !== null && typeof store === 'object' ? { get: store.get, set: store.set, lock: store.lock } : undefined;
    const limiter = options.rateLimiter;
    const take = limiter !== null && typeof limiter === 'object' ? { take: limiter.take } : undefined;
    described = { ...options, tokenStore: methods || store, rateLimiter: take || limiter, baseUrl: urlParts(options.baseUrl) };
    const fetchImpl = options.fetch;
    const send = fetchImpl === undefined ? defaultSend() : typeof fetchImpl === 'function' ? fetchSend(fetchImpl) : undefined;
    // The core accepts one way to authenticate: at most one of these is a function.
    const tokenFunction = typeof described.accessToken === 'function' ? described.accessToken : described.cloudbaseAccessToken;
    io = createIo(send, tokenFunction, store, methods || {}, { take: take && take.take, self: limiter });
    locks = methods !== undefined && typeof methods.lock === 'function';
  } catch (err) {
    throw invalid(platform, kind, 'options', `cannot be read: ${reasonOf(err)}`);
  }
  const text = toJson(described, platform, kind, 'options');
  const build = () => {
    try {
      return new bindings.Core(kind, text, io, io.send !== undefined, locks);
    } catch (thrown) {
      throw fromCore(thrown, platform, kind);
    }
  };
  let core = build();
  let builtFor = instance;
  // The client's core, rebuilt if the module was re-instantiated since.
  return function current() {
    if (builtFor !== instance) {
      core = build();
      builtFor = instance;
    }
    return core;
  };
}

// A link method: the core validates, sends, retries and parses.
function method(core, platform, api) {
  const number = bindings.apiNumber(api);
  return function (request) {
    try {
      const text = toJson(request, platform, api, 'request');
      return inCore(platform, api, () => core().call(number, text));
    } catch (thrown) {
      return Promise.reject(fromCore(thrown, platform, api));
    }
  };
}

// A client's link methods, from the core's endpoint table: the API
// `urlscheme.generate` is the method `urlscheme.generate`. A Douyin client has
// both generations' methods, each bound to its own generation's API where that
// has one (the core refuses the other generation's).
let endpoints = null;
function linkMethods(core, platform, client) {
  // Read once per process: the table is the module's, not a client's.
  endpoints = endpoints || JSON.parse(bindings.endpoints());
  const namespaces = {};
  for (const [api, endpoint] of Object.entries(endpoints)) {
    if (!endpoint.link || endpoint.platform !== platform) continue;
    const [namespace, name] = api.replace(/^douyin\.(v2\.)?/, '').split('.');
    const methods = namespaces[namespace] || (namespaces[namespace] = {});
    if (endpoint.client === client || !(name in methods)) methods[name] = method(core, platform, api);
  }
  for (const namespace of Object.keys(namespaces)) Object.freeze(namespaces[namespace]);
  return namespaces;
}

function tokenMethod(core, platform, api) {
  return function getAccessToken(request) {
    try {
      const text = toJson(request, platform, api, 'request');
      return inCore(platform, api, () => core().accessToken(text));
    } catch (thrown) {
      return Promise.reject(fromCore(thrown, platform, api));
    }
  };
}

class WeChatClient {
  constructor(options) {
    const core = createCore('WeChatClient', 'wechat', options);
    this.getAccessToken = tokenMethod(core, 'wechat', 'auth.getAccessToken');
    // urlscheme, urllink, shortlink
    Object.assign(this, linkMethods(core, 'wechat', 'wechat'));
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
      {
        urlscheme: this.urlscheme.generate,
        nfc: this.urlscheme.generateNFC,
        urllink: this.urllink.generate,
        shortlink: this.shortlink.generate,
        plainScheme: this.plainScheme,
      },
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
      this.panicInTaskForTests = () => inCore('wechat', 'panicInTaskForTests', () => core().panicInTaskForTests());
    }
    Object.freeze(this);
  }
}

class DouyinClient {
  constructor(options) {
    const core = createCore('DouyinClient', 'douyin', options);
    // createCore read `api` already; a getter that throws only now means v1.
    let prefix = 'douyin.';
    try {
      if (options.api === 'v2') prefix = 'douyin.v2.';
    } catch {}
    this.getAccessToken = tokenMethod(core, 'douyin', `${prefix}getAccessToken`);
    // urlLink
    Object.assign(this, linkMethods(core, 'douyin', prefix.slice(0, -1)));
    // Bulk generation (batch.cjs) through the method above.
    this.generateMany = bindGenerateMany('douyin', { 'douyin.urlLink': this.urlLink.generate, 'douyin.schema': this.schema.generate }, LinkError, {
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

// The landing page for SMS and e-mail visitors: rendered by the core,
// synchronously; no client, no request.
function renderLandingPage(options) {
  const text = toJson(options, 'wechat', 'renderLandingPage', 'options');
  try {
    return bindings.renderLandingPage(text);
  } catch (thrown) {
    throw fromCore(thrown, 'wechat', 'renderLandingPage');
  }
}

// Built on first use, as generateMany is: a process that never serves the page
// pays nothing for it (landing.cjs, node:crypto, batch.cjs, the CSP hashes) at start-up.
let landingHandler;
function createLandingHandler(client, options) {
  landingHandler ??= require('./landing.cjs').landingHandlerWith({
    renderLandingPage,
    inline: JSON.parse(bindings.landingInline()),
    LinkError,
    invalid,
  });
  return landingHandler(client, options);
}

module.exports = { WeChatClient, DouyinClient, LinkError, appendCq, renderLandingPage, createLandingHandler };
