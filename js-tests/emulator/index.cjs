'use strict';
// An in-process emulator of the WeChat and Douyin server APIs the package calls,
// for the JS tests, the demo and the benchmarks. Plain Node (16+), no dependencies.
//
//   const { startEmulator } = require('./emulator/index.cjs');
//   const emu = await startEmulator({ overlapMs: 50 });
//   ... point a client at emu.url with emu.credentials ...
//   await emu.close();

const { createState, DEFAULT_CREDENTIALS } = require('./state.cjs');
const { createHttpServer, normalizeFault, FAULT_KINDS } = require('./server.cjs');
const wechatRoutes = require('./wechat.cjs');
const douyinRoutes = require('./douyin.cjs');
const douyinV2Routes = require('./douyin-v2.cjs');

const DEFAULTS = {
  port: 0,
  tokenTtlSeconds: 7200,
  overlapMs: 5 * 60 * 1000,
  tokenless: false,
  rateLimits: false,
  dailyQuota: null,
  // Beyond the brief, all optional:
  credentials: DEFAULT_CREDENTIALS,
  ridSuffix: false, // true: WeChat errmsgs end in " rid: ..." as the real ones do
  forceRefreshMinIntervalMs: 0, // e.g. 30000: stable_token force_refresh sooner than that answers 45011
  maxRecordedRequests: 200000,
  maxStoredTokens: 200000,
  maxStoredLinks: 200000,
  now: () => Date.now(), // the emulator's clock in ms (tests may move it)
};

function checkOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new TypeError('startEmulator: options must be an object');
  for (const key of Object.keys(options)) {
    // A typo in an option would otherwise silently test the wrong thing.
    if (!(key in DEFAULTS)) throw new TypeError(`startEmulator: unknown option ${key}`);
  }
  const o = Object.assign({}, DEFAULTS);
  for (const key of Object.keys(options)) if (options[key] !== undefined) o[key] = options[key];
  if (!(Number.isInteger(o.port) && o.port >= 0 && o.port < 65536)) throw new TypeError('startEmulator: port must be 0..65535');
  if (!(typeof o.tokenTtlSeconds === 'number' && o.tokenTtlSeconds > 0)) throw new TypeError('startEmulator: tokenTtlSeconds must be > 0');
  if (!(typeof o.overlapMs === 'number' && o.overlapMs >= 0)) throw new TypeError('startEmulator: overlapMs must be >= 0');
  if (o.dailyQuota !== null && !(Number.isInteger(o.dailyQuota) && o.dailyQuota >= 0)) {
    throw new TypeError('startEmulator: dailyQuota must be a non-negative integer or null');
  }
  // Partial credentials are filled in from the defaults.
  const c = o.credentials || {};
  o.credentials = {
    wechat: Object.assign({}, DEFAULT_CREDENTIALS.wechat, c.wechat),
    douyin: Object.assign({}, DEFAULT_CREDENTIALS.douyin, c.douyin),
    cloudbaseAccessToken: c.cloudbaseAccessToken || DEFAULT_CREDENTIALS.cloudbaseAccessToken,
  };
  if (typeof o.now !== 'function') throw new TypeError('startEmulator: now must be a function');
  o.tokenless = !!o.tokenless;
  o.rateLimits = !!o.rateLimits;
  o.ridSuffix = !!o.ridSuffix;
  return o;
}

async function startEmulator(options) {
  const opts = checkOptions(options);
  const state = createState(opts);
  const routes = [].concat(wechatRoutes(state), douyinRoutes(state), douyinV2Routes(state));

  const api = {
    inject(fault) {
      state.faults.add(fault);
    },
    clear() {
      state.requests.length = 0; // in place: callers may hold the array
    },
    expireTokens() {
      state.tokens.expireAll();
    },
    revokeToken(token) {
      return state.tokens.revoke(token);
    },
    linkCount() {
      return state.linkCount;
    },
    rateRefusals() {
      return state.rate.refused;
    },
  };

  const srv = createHttpServer({
    routes,
    state,
    control: {
      inject: api.inject,
      clear: api.clear,
      expireTokens: api.expireTokens,
      revokeToken: api.revokeToken,
      requests: () => state.requests,
      tokens: () => state.tokens.issued,
      stats: () => ({ linkCount: state.linkCount, requests: state.requests.length, tokens: state.tokens.issued.length }),
    },
  });
  state.faults = srv.faults;
  const port = await srv.listen(opts.port);

  return Object.freeze({
    url: `http://127.0.0.1:${port}`,
    port,
    credentials: state.credentials,
    // Live arrays (the same object every time), oldest first.
    get requests() {
      return state.requests;
    },
    get issuedTokens() {
      return state.tokens.issued;
    },
    // Exceptions caught inside request handlers; a healthy run leaves this empty.
    get errors() {
      return state.errors;
    },
    inject: api.inject,
    clear: api.clear,
    expireTokens: api.expireTokens,
    revokeToken: api.revokeToken,
    linkCount: api.linkCount,
    // With rateLimits: how many requests were refused for going past a per-second limit.
    rateRefusals: api.rateRefusals,
    close: () => srv.close(),
  });
}

module.exports = { startEmulator, DEFAULT_CREDENTIALS, FAULT_KINDS, normalizeFault };
