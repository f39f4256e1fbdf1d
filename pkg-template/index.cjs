'use strict';
// The JavaScript face of miniprogram-links: turns calls into JSON text for the
// WebAssembly core and its answers back into objects and `LinkError`s.
// Validation, requests, parsing and token logic all live in the core.

const bindings = require('./miniprogram_links.js');
const { nodeSend, fetchSend } = require('./transport.cjs');

// A trap (a Rust panic: a bug) leaves the WebAssembly instance unusable. The
// glue can re-instantiate it; every client then rebuilds its core from its
// options on its next call. `instance` counts the re-instantiations.
let instance = 0;
// Settles the calls in flight on the current instance; a reset abandons them.
const inFlight = new Set();

function isTrap(thrown) {
  return thrown instanceof WebAssembly.RuntimeError;
}

function recoverFrom(thrown) {
  if (isTrap(thrown) && typeof bindings.__wbg_reset_state === 'function') {
    bindings.__wbg_reset_state();
    instance += 1;
    const abandoned = [...inFlight];
    inFlight.clear();
    for (const abandon of abandoned) abandon();
  }
}
// A trap in async code surfaces in the glue's task runner (scripts/build patches it to call this).
bindings.__onTrap = recoverFrom;

// The old instance's callbacks are dropped after a reset (scripts/build patches
// the glue so), so its calls would never settle: reject them here instead.
function tracked(promise, platform, api) {
  return new Promise((resolve, reject) => {
    const abandon = () => reject(internalError(platform, api, 'the WebAssembly instance failed and was reset'));
    inFlight.add(abandon);
    promise.then(
      (value) => {
        inFlight.delete(abandon);
        resolve(value);
      },
      (thrown) => {
        inFlight.delete(abandon);
        reject(thrown);
      }
    );
  });
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
  return new LinkError({ code: 'INVALID_ARGUMENT', platform, api, retryable: false, field, message: `${field}: ${message}` });
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
  return new LinkError({ code: 'INTERNAL_ERROR', platform, api, retryable: false, message: `${api}: internal error: ${reason}` });
}

// Node: the built-in node:http transport; elsewhere the global fetch.
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
    const storeShape = store !== null && typeof store === 'object' ? { get: store.get, set: store.set, lock: store.lock } : store;
    described = { ...options, tokenStore: storeShape };
    const fetchImpl = options.fetch;
    hooks = {
      send: fetchImpl === undefined ? defaultSend() : typeof fetchImpl === 'function' ? fetchSend(fetchImpl) : undefined,
      accessToken: options.accessToken,
      cloudbaseAccessToken: options.cloudbaseAccessToken,
      tokenStore: store,
    };
  } catch (err) {
    throw invalid(platform, kind, 'options', `cannot be read: ${reasonOf(err)}`);
  }
  const text = toJson(described, platform, kind, 'options');
  const build = () => {
    try {
      return new bindings.Core(kind, text, hooks);
    } catch (thrown) {
      throw fromCore(thrown, platform, kind);
    }
  };
  let core = build();
  let builtFor = instance;
  return {
    // The client's core, rebuilt if the module was re-instantiated since.
    core() {
      if (builtFor !== instance) {
        core = build();
        builtFor = instance;
      }
      return core;
    },
    send: hooks.send,
  };
}

// A link method: the core validates and decides (src/wasm/session.rs `Step`),
// this loop sends, waits and asks for tokens. A call with a cached token is
// two synchronous calls into the core, `begin` and `answer`, around one `send`.
function method(client, platform, api) {
  return function (request) {
    try {
      const text = toJson(request, platform, api, 'request');
      return drive(client, platform, api, client.core().begin(api, text));
    } catch (thrown) {
      return Promise.reject(fromCore(thrown, platform, api));
    }
  };
}

const SEND = 83; // 'S'
const WAIT = 87; // 'W'
const CREDENTIAL = 84; // 'T'

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

async function drive(client, platform, api, step) {
  const generation = instance;
  // The core this call started on: after a reset its calls are gone.
  const core = () => {
    if (instance !== generation) throw internalError(platform, api, 'the WebAssembly instance failed and was reset');
    return client.core();
  };
  try {
    for (;;) {
      switch (step.charCodeAt(0)) {
        case SEND: {
          const [id, timeoutMs, method, url, headers, body] = fields(step, 5);
          let reply;
          try {
            reply = await client.send(method, url, headers, body, Number(timeoutMs));
          } catch (thrown) {
            step = core().failed(Number(id), thrown);
            break;
          }
          step = core().answer(Number(id), reply);
          break;
        }
        case WAIT: {
          const [id, ms] = fields(step, 1);
          await new Promise((resolve) => setTimeout(resolve, Number(ms)));
          step = core().resume(Number(id));
          break;
        }
        case CREDENTIAL:
          step = await tracked(core().credential(Number(step.slice(1))), platform, api);
          break;
        default:
          return JSON.parse(step.slice(1));
      }
    }
  } catch (thrown) {
    throw fromCore(thrown, platform, api);
  }
}

function tokenMethod(client, platform, api) {
  return function getAccessToken(request) {
    try {
      const text = toJson(request, platform, api, 'request');
      return tracked(client.core().accessToken(text), platform, api).then(JSON.parse, (thrown) => {
        throw fromCore(thrown, platform, api);
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
    this.urlscheme = Object.freeze({ generate: call('urlscheme.generate'), query: call('urlscheme.query') });
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
      // or from an async task.
      this.panicForTests = () => {
        try {
          core().panicForTests();
        } catch (thrown) {
          throw fromCore(thrown, 'wechat', 'panicForTests');
        }
      };
      this.panicLaterForTests = () => tracked(core().panicLaterForTests(), 'wechat', 'panicLaterForTests');
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

module.exports = { WeChatClient, DouyinClient, LinkError };
