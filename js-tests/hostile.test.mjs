// Hostile input: nothing a caller passes traps the WebAssembly instance, throws
// anything but a LinkError, or hangs; and the same clients keep working.
//
// A seeded PRNG (printed; HOSTILE_SEED=<n> reproduces a run, HOSTILE_CALLS=<n>
// changes the count) builds >= 10,000 malformed requests for every public
// method of both clients (WeChat: urlscheme.generate/query, urllink.generate/
// query, shortlink.generate, plainScheme, getAccessToken; Douyin v1 and v2:
// urlLink.generate/queryInfo/queryQuota, getAccessToken) and malformed
// constructor options: wrong types, NaN, ±Infinity, -0, fractions, BigInt,
// symbols, functions, 1 MB strings, 10,000-deep nesting, circular references,
// `__proto__`/`constructor` own keys, Proxies with throwing traps, revoked
// Proxies, throwing getters and toJSON, frozen objects, class instances,
// arrays, Map/Set, Buffer, typed arrays, invalid Dates, ...
//
// Each async call must return a promise (never throw synchronously) that
// resolves, or rejects with a LinkError of a documented code (INTERNAL_ERROR,
// the code of a trap, counts as a failure) within a few seconds; plainScheme
// and constructors must return or throw a LinkError. Clients use retries: 0
// and small timeouts against the emulator; most inputs are invalid and send
// nothing. Failures are reported grouped by kind, one example each.
//
// Also here: hostile hooks (a fetch, token function or tokenStore that throws
// odd values, returns junk or lies), after which the same client must work on
// its next call; a fetch that ignores the abort signal (the call must still end
// with TIMEOUT); a tokenStore lock that is never free (three lock lifetimes,
// then the refresh goes ahead); and error messages that stay short when the
// input is a 1 MB string or key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEmulator,
  WeChatClient,
  DouyinClient,
  LinkError,
  inFuture,
  DAY,
} from './helpers.mjs';
import { loopbackFetch } from './support/loopback-fetch.mjs';
import { makeRandom } from './support/random.mjs';

const ctx = useEmulator();

const SEED = process.env.HOSTILE_SEED !== undefined ? Number(process.env.HOSTILE_SEED) >>> 0 : (Date.now() ^ (process.pid << 10)) >>> 0;
const CALLS = process.env.HOSTILE_CALLS !== undefined ? Number(process.env.HOSTILE_CALLS) : 10_000;
const CONSTRUCTIONS = 1500;
const HANG_MS = 5000;
const CONCURRENCY = 16;
const CODES = new Set(['INVALID_ARGUMENT', 'API_ERROR', 'HTTP_ERROR', 'NETWORK_ERROR', 'TIMEOUT']);

// ---------------------------------------------------------------- PRNG

// ---------------------------------------------------------------- hostile values

const ONE_MB = 'a'.repeat(1 << 20);
const ONE_MB_BAD = '\u00ff?'.repeat(1 << 19);
const ONE_MB_JSON = `{"k":"${'x'.repeat((1 << 20) - 10)}"}`;

function deepObject(depth) {
  let o = { path: 'pages/a' };
  for (let i = 0; i < depth; i++) o = { a: o };
  return o;
}
function deepArray(depth) {
  let a = [];
  for (let i = 0; i < depth; i++) a = [a];
  return a;
}
const DEEP_OBJECT = deepObject(10_000);
const DEEP_ARRAY = deepArray(10_000);
const DEEP_JUMP = (() => {
  let o = 'x';
  for (let i = 0; i < 10_000; i++) o = { query: o };
  return o;
})();

function boom(label) {
  return new Error(`hostile ${label}`);
}

/** An Error whose `message` getter throws: code that reads err.message in a catch must survive it. */
function poisonedError() {
  const err = new Error('poisoned');
  Object.defineProperty(err, 'message', {
    get() {
      throw boom('message getter');
    },
  });
  return err;
}

function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const THROWING_TRAPS = {
  get() {
    throw boom('get trap');
  },
  has() {
    throw boom('has trap');
  },
  ownKeys() {
    throw boom('ownKeys trap');
  },
  getOwnPropertyDescriptor() {
    throw boom('getOwnPropertyDescriptor trap');
  },
  getPrototypeOf() {
    throw boom('getPrototypeOf trap');
  },
  defineProperty() {
    throw boom('defineProperty trap');
  },
  set() {
    throw boom('set trap');
  },
  apply() {
    throw boom('apply trap');
  },
};

/** A Proxy over `target` that throws when `key` is read (other keys pass). */
function trapOn(target, key, thrown) {
  return new Proxy(target, {
    get(t, k, receiver) {
      if (k === key) throw thrown === undefined ? boom(`get ${String(key)}`) : thrown;
      return Reflect.get(t, k, receiver);
    },
  });
}

function withGetter(base, key, thrown) {
  const o = { ...base };
  Object.defineProperty(o, key, {
    enumerable: true,
    get() {
      throw thrown;
    },
  });
  return o;
}

class RequestLike {
  constructor(fields) {
    // Descriptors, not assignment: an own `__proto__` key stays an own key
    // (assigning it would set the prototype, perhaps to a revoked proxy).
    Object.defineProperties(this, Object.getOwnPropertyDescriptors(fields));
  }
  get hidden() {
    throw boom('prototype getter');
  }
}

function* generatorObject() {
  yield 1;
}

function argumentsObject() {
  // eslint-disable-next-line prefer-rest-params
  return (function () {
    return arguments;
  })(1, 'two', { three: 3 });
}

/** Leaves: [label, () => value]. Fresh values each time (some are stateful). */
const LEAVES = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['true', () => true],
  ['false', () => false],
  ['0', () => 0],
  ['-0', () => -0],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['0.5', () => 0.5],
  ['1e-7', () => 1e-7],
  ['-1', () => -1],
  ['2^53+2', () => 2 ** 53 + 2],
  ['-2^53', () => -(2 ** 53)],
  ['1e21', () => 1e21],
  ['MAX_VALUE', () => Number.MAX_VALUE],
  ['MIN_VALUE', () => Number.MIN_VALUE],
  ['2^32', () => 2 ** 32],
  ['ms timestamp', () => Date.now() + 86_400_000],
  ['BigInt', () => 10n],
  ['BigInt 2^64', () => 2n ** 64n],
  ['Symbol', () => Symbol('hostile')],
  ['Symbol.iterator', () => Symbol.iterator],
  ['function', () => () => 'x'],
  ['async function', () => async () => 'x'],
  ['class', () => class Hostile {}],
  ['bound function', () => function f() {}.bind(null)],
  ['empty string', () => ''],
  ['space', () => ' '],
  ['?', () => '?'],
  ['a?b', () => 'pages/a?b=1'],
  ['NUL', () => '\u0000'],
  ['lone surrogate', () => '\ud800'],
  ['reversed surrogates', () => '\udfff\ud800'],
  ['emoji', () => '💥🀄'],
  ['percent', () => '%zz%'],
  ['CRLF', () => 'a\r\nHost: evil'],
  ['json object text', () => '{"a":"1"}'],
  ['json array text', () => '[1,2]'],
  ['__proto__ string', () => '__proto__'],
  ['constructor string', () => 'constructor'],
  ['release', () => 'release'],
  ['1025 chars', () => 'a'.repeat(1025)],
  ['513 chars', () => 'a'.repeat(513)],
  ['1 MB string', () => ONE_MB],
  ['1 MB bad charset', () => ONE_MB_BAD],
  ['1 MB JSON text', () => ONE_MB_JSON],
  ['empty object', () => ({})],
  ['empty array', () => []],
  ['array', () => [1, 'a', null, { path: 'p' }]],
  ['sparse array', () => [, , 3]], // eslint-disable-line no-sparse-arrays
  ['array with props', () => Object.assign(['x'], { path: 'pages/a' })],
  ['10k-deep object', () => DEEP_OBJECT],
  ['10k-deep array', () => DEEP_ARRAY],
  ['10k-deep jump', () => DEEP_JUMP],
  [
    'circular',
    () => {
      const o = { path: 'pages/a' };
      o.self = o;
      return o;
    },
  ],
  [
    'circular array',
    () => {
      const a = [];
      a.push(a);
      return a;
    },
  ],
  ['JSON __proto__ own key', () => JSON.parse('{"__proto__":{"path":"pages/x","isAdmin":true},"path":"pages/a"}')],
  ['JSON __proto__ only', () => JSON.parse('{"__proto__":null}')],
  ['defineProperty constructor', () => Object.defineProperty({ path: 'pages/a' }, 'constructor', { value: { prototype: 1 }, enumerable: true })],
  ['defineProperty __proto__', () => Object.defineProperty({}, '__proto__', { value: 'x', enumerable: true })],
  ['prototype key', () => ({ prototype: { path: 'x' } })],
  ['null prototype', () => Object.assign(Object.create(null), { path: 'pages/a' })],
  ['frozen', () => Object.freeze({ path: 'pages/a', query: 'a=1' })],
  ['sealed', () => Object.seal({ path: 'pages/a' })],
  ['class instance', () => new RequestLike({ path: 'pages/a' })],
  ['Map', () => new Map([['path', 'pages/a']])],
  ['Set', () => new Set(['path'])],
  ['WeakMap', () => new WeakMap()],
  ['Buffer', () => Buffer.from('pages/a')],
  ['Uint8Array', () => new Uint8Array([1, 2, 3])],
  ['Float64Array NaN', () => new Float64Array([NaN, Infinity])],
  ['BigInt64Array', () => new BigInt64Array([1n])],
  ['ArrayBuffer', () => new ArrayBuffer(8)],
  ['DataView', () => new DataView(new ArrayBuffer(4))],
  ['Date invalid', () => new Date(NaN)],
  ['Date valid', () => new Date(Date.now() + 7 * DAY * 1000)],
  ['Date far', () => new Date(8.64e15)],
  [
    'Date with throwing getTime',
    () => {
      const d = new Date();
      d.getTime = () => {
        throw boom('getTime');
      };
      return d;
    },
  ],
  ['RegExp', () => /pages/g],
  ['Error', () => new Error('an error')],
  ['Promise', () => Promise.resolve({ path: 'pages/a' })],
  ['String object', () => new String('pages/a')], // eslint-disable-line no-new-wrappers
  ['Number object', () => new Number(5)], // eslint-disable-line no-new-wrappers
  ['Boolean object', () => new Boolean(false)], // eslint-disable-line no-new-wrappers
  ['arguments', argumentsObject],
  ['generator', () => generatorObject()],
  ['symbol keys', () => ({ [Symbol('k')]: 'v', path: 'pages/a' })],
  ['toJSON throws', () => ({ toJSON() { throw boom('toJSON'); } })],
  ['toJSON throws poisoned', () => ({ toJSON() { throw poisonedError(); } })],
  ['toJSON throws revoked proxy', () => ({ toJSON() { throw revokedProxy(); } })],
  ['toJSON returns function', () => ({ toJSON: () => () => 1 })],
  ['toJSON returns 1 MB', () => ({ toJSON: () => ONE_MB })],
  ['toPrimitive throws', () => ({ [Symbol.toPrimitive]() { throw boom('toPrimitive'); }, path: 'pages/a' })],
  ['valueOf/toString throw', () => ({ valueOf() { throw boom('valueOf'); }, toString() { throw boom('toString'); } })],
  ['getter throws Error', () => withGetter({ path: 'pages/a' }, 'query', boom('getter'))],
  ['getter throws string', () => withGetter({}, 'path', 'a thrown string')],
  ['getter throws undefined', () => withGetter({}, 'path', undefined)],
  ['getter throws poisoned Error', () => withGetter({}, 'path', poisonedError())],
  ['getter throws revoked proxy', () => withGetter({}, 'path', revokedProxy())],
  ['getter throws Symbol', () => withGetter({}, 'path', Symbol('thrown'))],
  ['Proxy all traps throw', () => new Proxy({}, THROWING_TRAPS)],
  ['Proxy function all traps throw', () => new Proxy(function () {}, THROWING_TRAPS)],
  ['revoked Proxy', revokedProxy],
  ['Proxy throws on toJSON', () => trapOn({ path: 'pages/a' }, 'toJSON')],
  ['Proxy throws on path', () => trapOn({ path: 'pages/a' }, 'path')],
  ['Proxy throws poisoned on path', () => trapOn({ path: 'pages/a' }, 'path', poisonedError())],
  ['Proxy lying ownKeys', () => new Proxy({}, { ownKeys: () => ['path', 'path'] })],
  [
    'Proxy ownKeys non-configurable lie',
    () => new Proxy(Object.preventExtensions({ a: 1 }), { ownKeys: () => ['b'] }),
  ],
  ['globalThis', () => globalThis],
];

function leaf(r) {
  const [label, make] = r.pick(LEAVES);
  return { label, value: make() };
}

// ---------------------------------------------------------------- request templates

function templates() {
  const soon = inFuture(7 * DAY);
  return {
    'urlscheme.generate': [
      { jumpWxa: { path: 'pages/a', query: 'a=1', envVersion: 'release' }, expireTime: soon },
      { jump_wxa: { path: 'pages/a', query: { id: 5 } }, is_expire: true, expire_type: 1, expire_interval: 7 },
      {},
    ],
    'urlscheme.query': [{ scheme: 'weixin://dl/business/?t=abc' }, { scheme: 'weixin://dl/business/?t=abc', queryType: 0 }],
    'urllink.generate': [
      { path: 'pages/a', query: 'a=1', expireTime: soon, envVersion: 'trial' },
      { path: 'pages/a', cloudBase: { env: 'e1', domain: 'x.com', path: '/p', query: 'a=1' }, expireInterval: 3 },
      { path: 'pages/a', query: { campaign: 'spring', n: 1 } },
    ],
    'urllink.query': [{ urlLink: 'https://wxaurl.cn/abc' }, { url_link: 'https://wxaurl.cn/abc', query_type: 1 }],
    'shortlink.generate': [{ pageUrl: 'pages/a?b=1', pageTitle: 'title', isPermanent: false }, { page_url: 'pages/a' }],
    plainScheme: [{ path: 'pages/a', query: 'a=1&b=2', envVersion: 'trial' }, { path: 'pages/a' }],
    getAccessToken: [undefined, {}, { forceRefresh: false }],
    'douyin.urlLink.generate': [
      { appName: 'douyin', path: 'pages/a', query: { id: '1' }, expireTime: inFuture(3600) },
      { app_name: 'douyinlite', query: '{"a":"b"}', expire_time: inFuture(30 * DAY) },
      { expireTime: inFuture(3600) },
    ],
    'douyin.urlLink.queryInfo': [{ urlLink: 'https://z.douyin.com/abc' }, { url_link: 'x' }],
    'douyin.urlLink.queryQuota': [undefined, {}],
  };
}

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Paths of the (nested) keys of `value`, e.g. ['jumpWxa'], ['jumpWxa', 'query']. */
function keyPaths(value, prefix = []) {
  const out = [];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      out.push(...keyPaths(value[key], [...prefix, key]));
    }
  }
  return out;
}

function setAt(target, path, value) {
  let o = target;
  for (const key of path.slice(0, -1)) o = o[key];
  o[path[path.length - 1]] = value;
}

const EXTRA_KEYS = ['foo', 'pathh', 'jumpwxa', 'expire_Time', 'access_token', '__proto__', 'constructor', 'prototype', 'toString', '', ' ', '💥', 'a'.repeat(300)];

/** A malformed request for a method with `templates`: a hostile leaf, or a template with 1-3 mutations. */
function malformed(r, list) {
  if (r.chance(0.3)) {
    const { label, value } = leaf(r);
    return { label: `leaf ${label}`, value };
  }
  let request = clone(r.pick(list));
  if (request === undefined || request === null || typeof request !== 'object') request = {};
  // The template's own key paths: a hostile value put somewhere is never walked
  // into (its getters and traps are for the package to meet, not the generator).
  let paths = keyPaths(request);
  const under = (p, q) => q.length > p.length && p.every((k, i) => q[i] === k);
  const labels = [];
  const mutations = 1 + r.int(3);
  for (let i = 0; i < mutations; i++) {
    const choice = r.int(10);
    if (choice < 7 && paths.length > 0) {
      const path = r.pick(paths);
      const { label, value } = choice < 6 ? leaf(r) : { label: 'undefined', value: undefined };
      setAt(request, path, value);
      paths = paths.filter((q) => !under(path, q));
      labels.push(`${path.join('.')}=${label}`);
    } else if (choice < 9) {
      const key = r.pick(EXTRA_KEYS);
      const { label, value } = leaf(r);
      // defineProperty: `__proto__` as an own key, not the prototype.
      Object.defineProperty(request, key, { value, enumerable: true, configurable: true, writable: true });
      paths = paths.filter((q) => q[0] !== key);
      labels.push(`+${key}=${label}`);
    } else {
      const holder = r.pick(['array', 'proxy', 'frozen', 'class']);
      if (holder === 'array') request = [request];
      else if (holder === 'proxy') request = trapOn(request, r.pick(Object.keys(request).concat(['toJSON'])));
      else if (holder === 'frozen') request = Object.freeze(request);
      else request = new RequestLike(request);
      labels.push(`wrapped in ${holder}`);
      break;
    }
  }
  return { label: labels.join(', '), value: request };
}

// ---------------------------------------------------------------- checking

function describeThrown(err) {
  if (err instanceof LinkError) return `LinkError ${err.code} ${err.field || ''} ${String(err.message).slice(0, 200)}`;
  try {
    return err && err.stack ? String(err.stack).slice(0, 600) : String(err);
  } catch (_) {
    return 'an unprintable value';
  }
}

/** How calls ended, by LinkError code ('resolved' for successes). */
const tally = new Map();
function count(key) {
  tally.set(key, (tally.get(key) || 0) + 1);
}

/** Checks one rejection / throw; returns null if fine, else what is wrong. */
const timeouts = [];
function badError(err) {
  count(err instanceof LinkError ? String(err.code) : 'not a LinkError');
  if (err instanceof LinkError && err.code === 'TIMEOUT') timeouts.push(err.api);
  if (!(err instanceof LinkError)) return `not a LinkError: ${describeThrown(err)}`;
  if (!(err instanceof Error)) return 'a LinkError that is not an Error';
  if (!CODES.has(err.code)) return `unexpected code ${err.code}: ${String(err.message).slice(0, 300)}`;
  if (typeof err.message !== 'string' || err.message.length === 0) return 'empty message';
  return null;
}

function settleWithin(promise, ms) {
  let timer;
  const hang = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ hung: true }), ms);
  });
  const settled = promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  return Promise.race([settled, hang]).finally(() => clearTimeout(timer));
}

/** Calls `fn(arg)` as a caller would; resolves to null or a description of what went wrong. */
async function checkAsync(fn, arg, extraArgs, hangMs = HANG_MS) {
  let result;
  try {
    result = extraArgs ? fn(arg, ...extraArgs) : fn(arg);
  } catch (err) {
    return `threw synchronously instead of rejecting: ${describeThrown(err)}`;
  }
  if (!result || typeof result.then !== 'function') return `returned ${typeof result}, not a promise`;
  const outcome = await settleWithin(result, hangMs);
  if (outcome.hung) return `still pending after ${hangMs} ms`;
  if ('error' in outcome) return badError(outcome.error);
  count('resolved');
  if (outcome.value === null || typeof outcome.value !== 'object') return `resolved to ${typeof outcome.value}`;
  return null;
}

function checkSync(fn, arg) {
  try {
    const value = fn(arg);
    count('resolved');
    return typeof value === 'string' ? null : `returned ${typeof value}, not a string`;
  } catch (err) {
    return badError(err);
  }
}

/**
 * Failures grouped by what went wrong (the first line of the problem, numbers
 * and quoted values blurred), each with its count and first example: one
 * root cause shows up once, not a thousand times.
 */
function grouped(failures) {
  const groups = new Map();
  for (const { where, problem } of failures) {
    const key = String(problem)
      .split('\n')[0]
      .replace(/\b(douyin\.)?(v2\.)?[A-Za-z]+\.(generate|query|queryInfo|queryQuota)\b|\b(auth|douyin|douyin\.v2)\.getAccessToken\b/g, 'API')
      .replace(/\d+/g, 'N')
      .slice(0, 160);
    const g = groups.get(key);
    if (g) g.count += 1;
    else groups.set(key, { count: 1, example: `${where}: ${String(problem).slice(0, 700)}` });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count).map((g) => `${g.count} x ${g.example}`);
}

// ---------------------------------------------------------------- clients

function makeClients(emu) {
  const base = { baseUrl: emu.url, retries: 0, timeoutMs: 1000 };
  const wx = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  const wechat = [
    ['wechat managed', new WeChatClient({ appid: wx.appid, secret: wx.secret, ...base })],
    ['wechat stable', new WeChatClient({ appid: wx.appid, secret: wx.secret, stableToken: true, ...base })],
    ['wechat accessToken fn', new WeChatClient({ appid: wx.appid, accessToken: () => 'not-a-valid-token', ...base })],
    ['wechat cloudbase', new WeChatClient({ cloudbaseAccessToken: emu.credentials.cloudbaseAccessToken, ...base })],
  ];
  const douyin = [
    ['douyin v1', new DouyinClient({ appid: dy.appid, secret: dy.secret, ...base })],
    ['douyin v2', new DouyinClient({ appid: dy.appid, secret: dy.secret, api: 'v2', ...base })],
    ['douyin accessToken', new DouyinClient({ appid: dy.appid, accessToken: 'not-a-valid-token', api: 'v2', ...base })],
  ];
  return { wechat, douyin };
}

/** [label, kind, fn, templates key] for every public method of every client. */
function methods(clients) {
  const out = [];
  for (const [name, c] of clients.wechat) {
    out.push([`${name} urlscheme.generate`, 'async', c.urlscheme.generate, 'urlscheme.generate']);
    out.push([`${name} urlscheme.query`, 'async', c.urlscheme.query, 'urlscheme.query']);
    out.push([`${name} urllink.generate`, 'async', c.urllink.generate, 'urllink.generate']);
    out.push([`${name} urllink.query`, 'async', c.urllink.query, 'urllink.query']);
    out.push([`${name} shortlink.generate`, 'async', c.shortlink.generate, 'shortlink.generate']);
    out.push([`${name} plainScheme`, 'sync', c.plainScheme, 'plainScheme']);
    out.push([`${name} getAccessToken`, 'async', c.getAccessToken, 'getAccessToken']);
  }
  for (const [name, c] of clients.douyin) {
    out.push([`${name} urlLink.generate`, 'async', c.urlLink.generate, 'douyin.urlLink.generate']);
    out.push([`${name} urlLink.queryInfo`, 'async', c.urlLink.queryInfo, 'douyin.urlLink.queryInfo']);
    out.push([`${name} urlLink.queryQuota`, 'async', c.urlLink.queryQuota, 'douyin.urlLink.queryQuota']);
    out.push([`${name} getAccessToken`, 'async', c.getAccessToken, 'getAccessToken']);
  }
  return out;
}

async function pool(count, concurrency, work) {
  let next = 0;
  const runners = Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      await work(i);
    }
  });
  await Promise.all(runners);
}

/** The clients still do real work: a valid link from each way of authenticating that the emulator accepts. */
async function assertStillWorking(emu, clients) {
  const [[, wx], [, stable]] = clients.wechat;
  const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a', query: 'a=1' }, expireTime: inFuture(DAY) });
  assert.match(openlink, /^weixin:\/\/dl\/business\/\?t=/);
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a', query: { id: 1 } });
  assert.match(urlLink, /^https:\/\//);
  const { link } = await stable.shortlink.generate({ pageUrl: 'pages/a?x=1' });
  assert.equal(typeof link, 'string');
  const info = await wx.urllink.query({ urlLink });
  assert.equal(info.urlLinkInfo.path, 'pages/a');
  const scheme = await wx.urlscheme.query({ scheme: openlink });
  assert.equal(scheme.schemeInfo.path, 'pages/a');
  assert.match(wx.plainScheme({ path: 'pages/a', query: 'a=1' }), /^weixin:\/\/dl\/business\/\?appid=/);
  assert.equal(typeof (await wx.getAccessToken()).accessToken, 'string');
  const cloud = clients.wechat[3][1];
  assert.match((await cloud.urllink.generate({ path: 'pages/a' })).urlLink, /^https:\/\//);
  const [[, v1], [, v2]] = clients.douyin;
  assert.equal(typeof (await v1.urlLink.generate({ expireTime: inFuture(3600) })).urlLink, 'string');
  const made = await v2.urlLink.generate({ appName: 'toutiao', expireTime: inFuture(3600) });
  assert.equal(typeof made.urlLink, 'string');
  assert.equal((await v2.urlLink.queryInfo({ urlLink: made.urlLink })).appName, 'toutiao');
  assert.equal(typeof (await v2.urlLink.queryQuota()).urlLinkUsed, 'number');
}

// ---------------------------------------------------------------- tests

test(`${CALLS} malformed requests across every public method of both clients (seed ${SEED})`, { timeout: 120_000 }, async (t) => {
  t.diagnostic(`hostile seed ${SEED}: HOSTILE_SEED=${SEED} reproduces this run`);
  console.log(`# hostile: seed ${SEED} (HOSTILE_SEED=${SEED} reproduces)`);
  const emu = ctx.emu;
  const clients = makeClients(emu);
  const all = methods(clients);
  const tpl = templates();
  const r = makeRandom(SEED);
  const failures = [];
  tally.clear();
  const started = Date.now();

  // Every method with every leaf once (deterministic coverage), then random ones.
  const plan = [];
  for (const m of all) for (const [label, make] of LEAVES) plan.push({ m, label: `leaf ${label}`, make });
  const random = Math.max(0, CALLS - plan.length);
  for (let i = 0; i < random; i++) {
    const m = r.pick(all);
    const shape = malformed(r, tpl[m[3]]);
    const extra = r.chance(0.05) ? [leaf(r).value, leaf(r).value] : null;
    plan.push({ m, label: shape.label, value: shape.value, extra });
  }
  assert.ok(plan.length >= 10_000 || CALLS < 10_000, `${plan.length} calls planned`);

  await pool(plan.length, CONCURRENCY, async (i) => {
    const { m, label, make, extra } = plan[i];
    const value = make ? make() : plan[i].value;
    const [name, kind, fn] = m;
    let problem;
    if (kind === 'sync') {
      problem = checkSync(fn, value);
    } else {
      problem = await checkAsync(fn, value, extra);
    }
    if (problem) failures.push({ where: `#${i} ${name}(${label})`, problem });
    plan[i] = null; // let the values go
  });

  const ms = Date.now() - started;
  if (timeouts.length) t.diagnostic(`TIMEOUT from: ${timeouts.join(', ')}`);
  if (emu.errors.length) t.diagnostic(`emulator handler errors: ${emu.errors.length}: ${emu.errors[0] && emu.errors[0].message}`);
  t.diagnostic(`${plan.length} calls in ${ms} ms; ${emu.requests.length} reached the emulator; outcomes ${JSON.stringify(Object.fromEntries(tally))}; ${failures.length} misbehaved`);
  assert.deepEqual(grouped(failures), [], `${failures.length} of ${plan.length} calls misbehaved (seed ${SEED}), by kind`);

  // The same clients still work.
  await assertStillWorking(emu, clients);
});

test(`${CONSTRUCTIONS} malformed constructor options for both clients (seed ${SEED})`, { timeout: 60_000 }, (t) => {
  const emu = ctx.emu;
  const r = makeRandom(SEED ^ 0x9e3779b9);
  const wx = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  const bases = [
    ['WeChatClient', WeChatClient, { appid: wx.appid, secret: wx.secret, baseUrl: emu.url, retries: 0, timeoutMs: 1000 }],
    ['WeChatClient', WeChatClient, { appid: wx.appid, accessToken: 'tok', baseUrl: emu.url, tokenStore: { get() {}, set() {} } }],
    ['WeChatClient', WeChatClient, { cloudbaseAccessToken: 'cb', baseUrl: emu.url, stableToken: false }],
    ['DouyinClient', DouyinClient, { appid: dy.appid, secret: dy.secret, baseUrl: emu.url, api: 'v2', retries: 1 }],
    ['DouyinClient', DouyinClient, { appid: dy.appid, accessToken: () => 'tok', baseUrl: emu.url }],
  ];
  const failures = [];
  let constructed = 0;
  const cases = [];
  for (const [name, Ctor] of [['WeChatClient', WeChatClient], ['DouyinClient', DouyinClient]]) {
    for (const [label, make] of LEAVES) cases.push({ name, Ctor, label: `leaf ${label}`, make });
    // A Proxy that throws on exactly one option, read at any time.
    for (const key of ['appid', 'secret', 'api', 'baseUrl', 'fetch', 'tokenStore', 'accessToken', 'timeoutMs', 'toJSON']) {
      cases.push({ name, Ctor, label: `Proxy throwing on ${key}`, make: () => trapOn({ appid: 'wxa', secret: 's', baseUrl: emu.url, api: 'v2' }, key) });
      cases.push({ name, Ctor, label: `Proxy throwing a poisoned Error on ${key}`, make: () => trapOn({ appid: 'wxa', secret: 's', baseUrl: emu.url }, key, poisonedError()) });
    }
    cases.push({ name, Ctor, label: 'tokenStore Proxy', make: () => ({ appid: 'wxa', secret: 's', baseUrl: emu.url, tokenStore: new Proxy({}, THROWING_TRAPS) }) });
    cases.push({ name, Ctor, label: 'tokenStore revoked', make: () => ({ appid: 'wxa', secret: 's', baseUrl: emu.url, tokenStore: revokedProxy() }) });
    cases.push({ name, Ctor, label: 'tokenStore get getter throws', make: () => ({ appid: 'wxa', secret: 's', baseUrl: emu.url, tokenStore: withGetter({ set() {} }, 'get', boom('get')) }) });
    cases.push({ name, Ctor, label: 'fetch revoked Proxy', make: () => ({ appid: 'wxa', secret: 's', baseUrl: emu.url, fetch: revokedProxy() }) });
  }
  while (cases.length < CONSTRUCTIONS) {
    const [name, Ctor, base] = r.pick(bases);
    const shape = malformed(r, [base]);
    cases.push({ name, Ctor, label: shape.label, value: shape.value });
  }
  for (const [i, c] of cases.entries()) {
    const options = c.make ? c.make() : c.value;
    let client;
    try {
      client = new c.Ctor(options);
    } catch (err) {
      const problem = badError(err);
      if (problem) failures.push({ where: `#${i} new ${c.name}(${c.label})`, problem });
      continue;
    }
    constructed += 1;
    if (!Object.isFrozen(client)) failures.push({ where: `#${i} new ${c.name}(${c.label})`, problem: 'the client is not frozen' });
    // No network from clients built on fuzzed options: only the local method.
    if (c.name === 'WeChatClient') {
      const problem = checkSync(client.plainScheme, { path: 'pages/a' });
      if (problem) failures.push({ where: `#${i} plainScheme after new ${c.name}(${c.label})`, problem });
    }
  }
  t.diagnostic(`${cases.length} constructions, ${constructed} built a client, ${failures.length} failed`);
  assert.deepEqual(grouped(failures), [], `${failures.length} of ${cases.length} constructions misbehaved (seed ${SEED}), by kind`);
});

// ---------------------------------------------------------------- hostile hooks

/** A Response-like object. */
function response(status, body, extra = {}) {
  return { status, ok: status >= 200 && status < 300, text: () => Promise.resolve(body), ...extra };
}

const HOSTILE_FETCHES = [
  ['throws synchronously', () => { throw boom('fetch'); }],
  ['throws a poisoned Error', () => { throw poisonedError(); }],
  ['throws a revoked Proxy', () => { throw revokedProxy(); }],
  ['throws a string', () => { throw 'a string'; }], // eslint-disable-line no-throw-literal
  ['rejects with undefined', () => Promise.reject(undefined)],
  ['rejects with a throwing-getter object', () => Promise.reject(withGetter({}, 'message', boom('message')))],
  ['returns undefined', () => undefined],
  ['returns a number', () => 42],
  ['returns a Proxy with throwing traps', () => new Proxy({}, THROWING_TRAPS)],
  ['returns a revoked Proxy', () => revokedProxy()],
  ['status getter throws', () => withGetter({ text: () => Promise.resolve('{}') }, 'status', boom('status'))],
  ['status NaN', () => response(NaN, '{}')],
  ['status 1e9', () => response(1e9, '{}')],
  ['status as string', () => response('200', '{"errcode":0}')],
  ['text is not a function', () => ({ status: 200, text: 'body' })],
  ['text throws', () => ({ status: 200, text() { throw boom('text'); } })],
  ['text rejects', () => ({ status: 200, text: () => Promise.reject(boom('text')) })],
  ['text resolves to a number', () => ({ status: 200, text: () => Promise.resolve(12) })],
  ['text resolves to a Proxy', () => ({ status: 200, text: () => Promise.resolve(new Proxy({}, THROWING_TRAPS)) })],
  ['text resolves to 1 MB of garbage', () => response(200, ONE_MB_BAD)],
  ['text resolves to 10k-deep JSON', () => response(200, `${'['.repeat(10_000)}${']'.repeat(10_000)}`)],
  ['text resolves to a JSON with __proto__', () => response(200, '{"__proto__":{"errcode":0},"errcode":0,"access_token":"t","expires_in":7200,"openlink":"x","url_link":"y","link":"z"}')],
  ['status 200, body null', () => response(200, 'null')],
  ['status 200, errcode as string', () => response(200, '{"errcode":"0","errmsg":"ok"}')],
  ['status 200, huge errcode', () => response(200, '{"errcode":1e400,"errmsg":"ok"}')],
  ['status 200, expires_in negative', () => response(200, '{"access_token":"t","expires_in":-5,"errcode":0}')],
  ['status 200, access_token number', () => response(200, '{"access_token":5,"expires_in":7200}')],
  ['status 204', () => response(204, '')],
  ['status 599, 1 MB', () => response(599, ONE_MB)],
  ['then getter throws', () => withGetter({}, 'then', boom('then'))],
  ['thenable that throws', () => ({ then() { throw boom('thenable'); } })],
  ['thenable resolving twice then rejecting', () => ({ then(ok, fail) { ok(response(200, '{}')); ok(1); fail(boom('late')); } })],
];

const HOSTILE_TOKEN_FNS = [
  ['throws', () => { throw boom('token fn'); }],
  ['throws a poisoned Error', () => { throw poisonedError(); }],
  ['throws a revoked Proxy', () => { throw revokedProxy(); }],
  ['rejects with a revoked Proxy', () => Promise.reject(revokedProxy())],
  ['returns a number', () => 5],
  ['returns an empty string', () => ''],
  ['returns a 1 MB string', () => ONE_MB],
  ['returns a Proxy', () => new Proxy({}, THROWING_TRAPS)],
  ['returns a String object', () => new String('tok')], // eslint-disable-line no-new-wrappers
  ['returns a thenable that throws', () => ({ then() { throw boom('then'); } })],
  ['returns a string with CRLF', () => 'tok\r\nX-Injected: 1'],
  ['returns a string with NUL and lone surrogates', () => 'tok\u0000\ud800'],
];

const HOSTILE_STORES = [
  ['get throws', { get() { throw boom('get'); } }],
  ['get throws a poisoned Error', { get() { throw poisonedError(); } }],
  ['get rejects with a revoked Proxy', { get: () => Promise.reject(revokedProxy()) }],
  ['get returns a Proxy', { get: () => new Proxy({}, THROWING_TRAPS) }],
  ['get returns a revoked Proxy', { get: () => revokedProxy() }],
  ['get returns garbage fields', { get: () => ({ accessToken: 5, expiresAt: 'x', refreshAt: NaN }) }],
  ['get returns NaN times', { get: () => ({ accessToken: 't', expiresAt: NaN, refreshAt: NaN }) }],
  ['get returns a getter-throwing object', { get: () => withGetter({}, 'accessToken', boom('accessToken')) }],
  ['set throws', { set() { throw boom('set'); } }],
  ['set rejects', { set: () => Promise.reject(boom('set')) }],
  ['lock throws', { lock() { throw boom('lock'); } }],
  ['lock returns a throwing release', { lock: () => () => { throw boom('release'); } }],
  ['lock returns a rejecting release', { lock: () => () => Promise.reject(boom('release')) }],
  ['lock returns a revoked Proxy', { lock: () => revokedProxy() }],
];

/** `hostile` on the first call, `sane` on every later one. */
function onceThen(hostile, sane) {
  let calls = 0;
  return function hook(...args) {
    calls += 1;
    return calls === 1 ? hostile.apply(this, args) : sane.apply(this, args);
  };
}

/** A Map-backed tokenStore whose listed methods misbehave on their first call. */
function storeWith(overrides) {
  const map = new Map();
  const sane = {
    get: (k) => map.get(k),
    set: (k, v) => {
      map.set(k, v);
    },
    lock: () => () => {},
  };
  const store = {};
  for (const name of ['get', 'set', 'lock']) {
    store[name] = overrides[name] ? onceThen(overrides[name], sane[name]) : sane[name];
  }
  return store;
}

test('hostile hooks: fetch, token functions and tokenStores that throw, lie or return junk; the same client works on the next call', { timeout: 120_000 }, async (t) => {
  const emu = ctx.emu;
  const wx = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  const base = { baseUrl: emu.url, retries: 0, timeoutMs: 500 };
  // Real tokens, for the clients given a token function.
  const wechatToken = (await new WeChatClient({ appid: wx.appid, secret: wx.secret, ...base }).getAccessToken()).accessToken;
  const douyinToken = (await new DouyinClient({ appid: dy.appid, secret: dy.secret, ...base }).getAccessToken()).accessToken;
  const failures = [];
  const first = async (label, fn, arg) => {
    const problem = await checkAsync(fn, arg, null, 3000);
    if (problem) failures.push(`${label}: ${problem}`);
  };
  const then = async (label, fn, arg, pick) => {
    const outcome = await settleWithin(Promise.resolve().then(() => fn(arg)), 3000);
    if (outcome.hung) failures.push(`${label}, the next call: still pending after 3000 ms`);
    else if (outcome.error) failures.push(`${label}, the next call: ${describeThrown(outcome.error)}`);
    else if (typeof pick(outcome.value) !== 'string') failures.push(`${label}, the next call: resolved to ${JSON.stringify(outcome.value)}`);
  };
  const soon = inFuture(DAY);
  for (const [label, hostile] of HOSTILE_FETCHES) {
    const w = new WeChatClient({ appid: wx.appid, secret: wx.secret, fetch: onceThen(hostile, loopbackFetch), ...base });
    await first(`fetch ${label}: wechat getAccessToken`, w.getAccessToken);
    await then(`fetch ${label}: wechat`, w.urllink.generate, { path: 'pages/a' }, (v) => v.urlLink);
    const g = new WeChatClient({ appid: wx.appid, accessToken: wechatToken, fetch: onceThen(hostile, loopbackFetch), ...base });
    await first(`fetch ${label}: wechat accessToken urlscheme.generate`, g.urlscheme.generate, { expireTime: soon });
    await then(`fetch ${label}: wechat accessToken`, g.urlscheme.generate, { expireTime: soon }, (v) => v.openlink);
    const d = new DouyinClient({ appid: dy.appid, secret: dy.secret, api: 'v2', fetch: onceThen(hostile, loopbackFetch), ...base });
    await first(`fetch ${label}: douyin v2 generate`, d.urlLink.generate, { expireTime: soon });
    await then(`fetch ${label}: douyin v2`, d.urlLink.generate, { expireTime: soon }, (v) => v.urlLink);
  }
  for (const [label, hostile] of HOSTILE_TOKEN_FNS) {
    const w = new WeChatClient({ appid: wx.appid, accessToken: onceThen(hostile, () => wechatToken), ...base });
    await first(`accessToken ${label}: wechat urllink.generate`, w.urllink.generate, { path: 'pages/a' });
    await then(`accessToken ${label}: wechat`, w.urllink.generate, { path: 'pages/a' }, (v) => v.urlLink);
    const c = new WeChatClient({ cloudbaseAccessToken: onceThen(hostile, () => emu.credentials.cloudbaseAccessToken), ...base });
    await first(`cloudbaseAccessToken ${label}: wechat shortlink.generate`, c.shortlink.generate, { pageUrl: 'pages/a' });
    await then(`cloudbaseAccessToken ${label}: wechat`, c.shortlink.generate, { pageUrl: 'pages/a' }, (v) => v.link);
    const d = new DouyinClient({ appid: dy.appid, accessToken: onceThen(hostile, () => douyinToken), ...base });
    await first(`accessToken ${label}: douyin generate`, d.urlLink.generate, { expireTime: soon });
    await then(`accessToken ${label}: douyin`, d.urlLink.generate, { expireTime: soon }, (v) => v.urlLink);
  }
  for (const [label, overrides] of HOSTILE_STORES) {
    const w = new WeChatClient({ appid: wx.appid, secret: wx.secret, tokenStore: storeWith(overrides), ...base });
    await first(`tokenStore ${label}: wechat urllink.generate`, w.urllink.generate, { path: 'pages/a' });
    await then(`tokenStore ${label}: wechat`, w.urllink.generate, { path: 'pages/a' }, (v) => v.urlLink);
    const f = new WeChatClient({ appid: wx.appid, secret: wx.secret, tokenStore: storeWith(overrides), ...base });
    await first(`tokenStore ${label}: wechat getAccessToken force`, f.getAccessToken, { forceRefresh: true });
    await then(`tokenStore ${label}: wechat getAccessToken`, f.getAccessToken, {}, (v) => v.accessToken);
    const d = new DouyinClient({ appid: dy.appid, secret: dy.secret, tokenStore: storeWith(overrides), ...base });
    await first(`tokenStore ${label}: douyin generate`, d.urlLink.generate, { expireTime: soon });
    await then(`tokenStore ${label}: douyin`, d.urlLink.generate, { expireTime: soon }, (v) => v.urlLink);
  }
  // Clients that never met a hostile hook work too.
  const fresh = new WeChatClient({ appid: wx.appid, secret: wx.secret, ...base });
  assert.match((await fresh.urllink.generate({ path: 'pages/a' })).urlLink, /^https:\/\//);
  t.diagnostic(`${HOSTILE_FETCHES.length} fetches, ${HOSTILE_TOKEN_FNS.length} token functions, ${HOSTILE_STORES.length} stores; ${failures.length} failed`);
  assert.deepEqual(failures, []);
});

test('a fetch that ignores the abort signal and never settles still ends the call with TIMEOUT', { timeout: 30_000 }, async () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  const wx = new WeChatClient({ appid, accessToken: 'tok', baseUrl: ctx.emu.url, retries: 0, timeoutMs: 200, fetch: () => new Promise(() => {}) });
  const outcome = await settleWithin(wx.urllink.generate({ path: 'pages/a' }), 3000);
  assert.ok(!outcome.hung, 'the call is still pending 3 s after a 200 ms timeout');
  assert.ok(outcome.error instanceof LinkError);
  assert.equal(outcome.error.code, 'TIMEOUT');
  const body = new WeChatClient({
    appid,
    secret,
    baseUrl: ctx.emu.url,
    retries: 0,
    timeoutMs: 200,
    fetch: () => Promise.resolve({ status: 200, text: () => new Promise(() => {}) }),
  });
  const stuck = await settleWithin(body.getAccessToken(), 3000);
  assert.ok(!stuck.hung, "the call is still pending 3 s after a 200 ms timeout (response.text() never settles)");
  assert.equal(stuck.error && stuck.error.code, 'TIMEOUT');
});

/** An in-memory tokenStore, with some of its methods replaced. */
function memoryStore(overrides) {
  return { map: new Map(), get(k) { return this.map.get(k); }, set(k, v) { this.map.set(k, v); }, ...overrides };
}

test('a tokenStore whose lock is never free delays a refresh by three lock lifetimes, then fetches anyway', { timeout: 30_000 }, async () => {
  const emu = ctx.emu;
  const wx = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  // timeoutMs 100, retries 0: lock TTL 2100 ms; 3 rounds of waiting.
  const ttl = 2100;
  const busy = () => memoryStore({ lock: () => 42 });
  const w = new WeChatClient({ appid: wx.appid, secret: wx.secret, baseUrl: emu.url, retries: 0, timeoutMs: 100, tokenStore: busy() });
  const d = new DouyinClient({ appid: dy.appid, secret: dy.secret, baseUrl: emu.url, retries: 0, timeoutMs: 100, tokenStore: busy() });
  const started = Date.now();
  const [a, b] = await Promise.all([
    settleWithin(w.urllink.generate({ path: 'pages/a' }), 3 * ttl + 4000),
    settleWithin(d.urlLink.generate({ expireTime: inFuture(3600) }), 3 * ttl + 4000),
  ]);
  assert.ok(!a.hung && !b.hung, 'still waiting for the lock');
  assert.equal(a.error, undefined, a.error && a.error.message);
  assert.equal(b.error, undefined, b.error && b.error.message);
  assert.equal(typeof a.value.urlLink, 'string');
  assert.equal(typeof b.value.urlLink, 'string');
  assert.ok(Date.now() - started >= 3 * ttl - 200, 'it did wait for the lock first');
});

test('token functions and tokenStore methods that never settle end the call after timeoutMs', { timeout: 30_000 }, async () => {
  const emu = ctx.emu;
  const { appid, secret } = emu.credentials.wechat;
  const never = () => new Promise(() => {});
  // 500 ms: long enough that the token request itself never times out on a busy machine.
  const base = { baseUrl: emu.url, retries: 0, timeoutMs: 500 };
  const cases = [
    ['accessToken function', new WeChatClient({ appid, accessToken: never, ...base }), { code: 'INVALID_ARGUMENT', field: 'accessToken' }, /did not settle within 500 ms/],
    ['cloudbaseAccessToken function', new WeChatClient({ cloudbaseAccessToken: never, ...base }), { code: 'INVALID_ARGUMENT', field: 'cloudbaseAccessToken' }, /did not settle within 500 ms/],
    ['tokenStore.get', new WeChatClient({ appid, secret, tokenStore: memoryStore({ get: never }), ...base }), { code: 'NETWORK_ERROR' }, /tokenStore\.get did not answer within 500 ms/],
    ['tokenStore.set', new WeChatClient({ appid, secret, tokenStore: memoryStore({ set: never }), ...base }), { code: 'NETWORK_ERROR' }, /tokenStore\.set did not answer within 500 ms/],
    ['tokenStore.lock', new WeChatClient({ appid, secret, tokenStore: memoryStore({ lock: never }), ...base }), { code: 'NETWORK_ERROR' }, /tokenStore\.lock did not answer within 500 ms/],
  ];
  for (const [label, client, fields, message] of cases) {
    const outcome = await settleWithin(client.urllink.generate({ path: 'pages/a' }), 5000);
    assert.ok(!outcome.hung, `${label}: the call still waits`);
    assert.ok(outcome.error instanceof LinkError, `${label}: ${outcome.error}`);
    for (const [name, value] of Object.entries(fields)) assert.equal(outcome.error[name], value, `${label}: ${name}`);
    assert.match(outcome.error.message, message, label);
  }
  // A lock whose release never settles: the link is still made.
  const stuckRelease = memoryStore({ lock: () => never });
  const w = new WeChatClient({ appid, secret, tokenStore: stuckRelease, ...base });
  const released = await settleWithin(w.urllink.generate({ path: 'pages/a' }), 5000);
  assert.ok(!released.hung, 'a release that never settles holds the call');
  assert.equal(released.error, undefined, released.error && released.error.message);
  assert.equal(typeof released.value.urlLink, 'string');
});

test('error messages stay short when the input is huge (a 1 MB value or key is not echoed whole)', async () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  const wx = new WeChatClient({ appid, secret, baseUrl: ctx.emu.url, retries: 0 });
  const dy = new DouyinClient({ appid: ctx.emu.credentials.douyin.appid, secret: ctx.emu.credentials.douyin.secret, baseUrl: ctx.emu.url, retries: 0 });
  const big = 'x'.repeat(1 << 20);
  const bigKey = { [big]: 1 };
  const cases = [
    ['urlscheme jumpWxa.envVersion', () => wx.urlscheme.generate({ jumpWxa: { envVersion: big } })],
    ['urlscheme jumpWxa.path', () => wx.urlscheme.generate({ jumpWxa: { path: `${big}?` } })],
    ['urlscheme jumpWxa.query', () => wx.urlscheme.generate({ jumpWxa: { query: big } })],
    ['urllink envVersion', () => wx.urllink.generate({ envVersion: big })],
    ['urllink expireTime', () => wx.urllink.generate({ expireTime: big })],
    ['urllink unknown 1 MB key', () => wx.urllink.generate(bigKey)],
    ['urllink query object', () => wx.urllink.generate({ query: { [big]: big } })],
    ['shortlink pageUrl', () => wx.shortlink.generate({ pageUrl: big })],
    ['urlscheme.query scheme', () => wx.urlscheme.query({ scheme: 5, [big]: 1 })],
    ['plainScheme envVersion', async () => wx.plainScheme({ path: 'p', envVersion: big })],
    ['plainScheme query', async () => wx.plainScheme({ path: 'p', query: big })],
    ['getAccessToken forceRefresh', () => wx.getAccessToken({ forceRefresh: big })],
    ['douyin appName', () => dy.urlLink.generate({ appName: big, expireTime: inFuture(3600) })],
    ['douyin query', () => dy.urlLink.generate({ query: big, expireTime: inFuture(3600) })],
    ['douyin unknown key', () => dy.urlLink.generate({ ...bigKey, expireTime: inFuture(3600) })],
    ['constructor baseUrl', async () => new WeChatClient({ appid, secret, baseUrl: `ftp://${big}` })],
    ['constructor unknown option', async () => new WeChatClient({ appid, secret, ...bigKey })],
    ['constructor api', async () => new DouyinClient({ appid, secret, api: big })],
  ];
  const long = [];
  for (const [label, call] of cases) {
    let err;
    try {
      await call();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof LinkError, `${label}: expected a LinkError`);
    const size = Math.max(String(err.message).length, JSON.stringify(err).length);
    if (size > 8192) long.push(`${label}: ${size} characters (${String(err.message).slice(0, 60)}...)`);
  }
  assert.deepEqual(long, [], 'LinkErrors that carry a huge input whole (log flooding)');
});
