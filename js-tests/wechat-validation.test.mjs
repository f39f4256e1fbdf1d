// WeChat, edge cases: every rule of CONTRACT.md's validation table at and past
// its bound. A broken rule rejects with INVALID_ARGUMENT naming the dotted field,
// and the emulator sees no request at all (not even a token request).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEmulator,
  wechatClient,
  WeChatClient,
  rejectsWithLinkError,
  throwsLinkError,
  inFuture,
  DAY,
  requestsTo,
  awayFromSecondEdge,
} from './helpers.mjs';

const ctx = useEmulator();

const METHODS = {
  'urlscheme.generate': (wx) => wx.urlscheme.generate,
  'urllink.generate': (wx) => wx.urllink.generate,
  'shortlink.generate': (wx) => wx.shortlink.generate,
  'urlscheme.query': (wx) => wx.urlscheme.query,
  'urllink.query': (wx) => wx.urllink.query,
};

/**
 * Calls `api` on a fresh client with `request` (the promise itself is awaited, so a
 * method that throws synchronously instead of rejecting fails the test), checks the
 * LinkError, and that nothing reached the emulator.
 */
async function refused(api, request, field, extra = {}) {
  const wx = wechatClient(ctx.emu);
  const promise = METHODS[api](wx)(request);
  assert.ok(promise instanceof Promise, `${api} returns a promise`);
  const err = await rejectsWithLinkError(promise, {
    code: 'INVALID_ARGUMENT',
    field,
    platform: 'wechat',
    api,
    retryable: false,
    ...extra,
  });
  assert.equal(ctx.emu.requests.length, 0, `no request for an invalid ${field}: ${JSON.stringify(ctx.emu.requests.map((r) => r.path))}`);
  assert.equal(err.status, undefined);
  assert.equal(err.errcode, undefined);
  return err;
}

/** Calls `api` and expects it to resolve; returns the link request's JSON body. */
async function accepted(api, request) {
  const wx = wechatClient(ctx.emu);
  const result = await METHODS[api](wx)(request);
  assert.equal(result.errcode, 0);
  const links = ctx.emu.requests.filter((r) => r.path.startsWith('/wxa/'));
  assert.equal(links.length, 1);
  return links[0].json;
}

// ---- query: length and charset (003: at most 1024 characters) ----

test('jumpWxa.query: 1024 characters pass, 1025 are refused', async () => {
  const body = await accepted('urlscheme.generate', { jumpWxa: { path: 'pages/a', query: 'q'.repeat(1024) } });
  assert.equal(body.jump_wxa.query.length, 1024);
  ctx.emu.clear();
  const err = await refused('urlscheme.generate', { jumpWxa: { path: 'pages/a', query: 'q'.repeat(1025) } }, 'jumpWxa.query');
  assert.match(err.message, /1024/);
});

test('urllink query and cloudBase.query: 1024 pass, 1025 are refused', async () => {
  await accepted('urllink.generate', { path: 'pages/a', query: 'q'.repeat(1024), cloudBase: { env: 'e', query: 'c'.repeat(1024) } });
  ctx.emu.clear();
  await refused('urllink.generate', { path: 'pages/a', query: 'q'.repeat(1025) }, 'query');
  ctx.emu.clear();
  await refused('urllink.generate', { cloudBase: { env: 'e', query: 'c'.repeat(1025) } }, 'cloudBase.query');
});

test('an object query is measured after encoding', async () => {
  // "k=" + 1022 characters is 1024; one more is 1025.
  await accepted('urllink.generate', { query: { k: 'v'.repeat(1022) } });
  ctx.emu.clear();
  await refused('urllink.generate', { query: { k: 'v'.repeat(1023) } }, 'query');
});

for (const [label, query] of [
  ['a space', 'a=1 2'],
  ['<', 'a=<b>'],
  ['"', 'a="b"'],
  ['non-ASCII', 'name=你好'],
  ['^', 'a=^'],
  ['[', 'a[]=1'],
  ['{', 'a={}'],
  ['|', 'a=1|2'],
  ['\\', 'a=\\'],
  ['a newline', 'a=1\nb=2'],
]) {
  test(`query charset: ${label} is refused`, async () => {
    await refused('urlscheme.generate', { jumpWxa: { query } }, 'jumpWxa.query');
    ctx.emu.clear();
    await refused('urllink.generate', { query }, 'query');
  });
}

test('query charset: every listed character, the backtick and % pass', async () => {
  const query = "az09AZ!#$&'()*+,/:;=?@-._~%E4%BD%A0`x`";
  const body = await accepted('urlscheme.generate', { jumpWxa: { path: 'pages/a', query } });
  assert.equal(body.jump_wxa.query, query);
  ctx.emu.clear();
  assert.equal((await accepted('urllink.generate', { query: 'a=`1`&b=%20' })).query, 'a=`1`&b=%20');
});

// ---- path ----

test('a path with ? is refused wherever a path goes', async () => {
  await refused('urlscheme.generate', { jumpWxa: { path: 'pages/a?x=1' } }, 'jumpWxa.path');
  ctx.emu.clear();
  await refused('urllink.generate', { path: 'pages/a?x=1' }, 'path');
  ctx.emu.clear();
  await refused('urllink.generate', { cloudBase: { env: 'e', path: '/jump.html?x=1' } }, 'cloudBase.path');
  const wx = wechatClient(ctx.emu);
  throwsLinkError(() => wx.plainScheme({ path: 'pages/a?x=1' }), { code: 'INVALID_ARGUMENT', field: 'path', api: 'plainScheme' });
});

// ---- envVersion ----

test('envVersion: release, trial and develop pass', async () => {
  for (const env of ['release', 'trial', 'develop']) {
    ctx.emu.clear();
    const body = await accepted('urlscheme.generate', { jumpWxa: { path: 'p', envVersion: env } });
    assert.equal(body.jump_wxa.env_version, env);
  }
});

for (const env of ['prod', 'Release', '', 'TRIAL']) {
  test(`envVersion ${JSON.stringify(env)} is refused (jumpWxa.envVersion, envVersion)`, async () => {
    await refused('urlscheme.generate', { jumpWxa: { envVersion: env } }, 'jumpWxa.envVersion');
    ctx.emu.clear();
    await refused('urllink.generate', { env_version: env }, 'envVersion');
  });
}

test('envVersion at the top level of a scheme is refused, pointing at jumpWxa', async () => {
  await refused('urlscheme.generate', { envVersion: 'trial' }, 'envVersion', { message: /inside jumpWxa/ });
  ctx.emu.clear();
  await refused('urlscheme.generate', { path: 'pages/a' }, 'path', { message: /inside jumpWxa/ });
});

// ---- expiry ----

test('expireType: 0 and 1 pass, 2 and -1 are refused', async () => {
  await refused('urlscheme.generate', { isExpire: true, expireType: 2, expireInterval: 1 }, 'expireType');
  ctx.emu.clear();
  await refused('urllink.generate', { expireType: -1 }, 'expireType');
  ctx.emu.clear();
  await refused('urllink.generate', { expire_type: 2 }, 'expireType');
});

test('expireTime: now + 60 s is refused, now + 61 s passes', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.getAccessToken();
  ctx.emu.clear();
  await awayFromSecondEdge();
  await refused('urlscheme.generate', { expireTime: inFuture(60) }, 'expireTime');
  await refused('urllink.generate', { expireTime: inFuture(60) }, 'expireTime');
  const at = inFuture(61);
  await wx.urlscheme.generate({ expireTime: at });
  assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme')[0].json.expire_time, at);
});

test('expireTime: now + 30 days passes, one second more is refused', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.getAccessToken();
  ctx.emu.clear();
  await awayFromSecondEdge();
  await refused('urlscheme.generate', { expireTime: inFuture(30 * DAY + 1) }, 'expireTime');
  await refused('urllink.generate', { expire_time: inFuture(30 * DAY + 1) }, 'expireTime');
  const at = inFuture(30 * DAY);
  await wx.urllink.generate({ expireTime: at });
  assert.equal(requestsTo(ctx.emu, '/wxa/generate_urllink')[0].json.expire_time, at);
});

test('expireTime: a Date past 30 days or within a minute is refused', async () => {
  await awayFromSecondEdge();
  await refused('urlscheme.generate', { expireTime: new Date(Date.now() + (30 * DAY + 5) * 1000) }, 'expireTime');
  await refused('urlscheme.generate', { expireTime: new Date(Date.now() + 30 * 1000) }, 'expireTime');
  await refused('urlscheme.generate', { expireTime: new Date(NaN) }, 'expireTime');
});

test('expireTime: fractional seconds are refused', async () => {
  await refused('urlscheme.generate', { expireTime: inFuture(3600) + 0.5 }, 'expireTime');
});

test('expireTime: milliseconds are refused and named as such', async () => {
  const err = await refused('urlscheme.generate', { expireTime: Date.now() + 3600 * 1000 }, 'expireTime');
  assert.match(err.message, /milliseconds/);
  const err2 = await refused('urllink.generate', { expireTime: Date.now() + 3600 * 1000 }, 'expireTime');
  assert.match(err2.message, /milliseconds/);
});

test('expireTime: in the past is refused', async () => {
  await refused('urlscheme.generate', { expireTime: inFuture(-10) }, 'expireTime');
  await refused('urllink.generate', { expireTime: 0 }, 'expireTime');
  await refused('urllink.generate', { expireTime: -5 }, 'expireTime');
});

test('expireTime is required when an expiry at a time is asked for', async () => {
  await refused('urlscheme.generate', { isExpire: true }, 'expireTime');
  await refused('urlscheme.generate', { isExpire: true, expireType: 0 }, 'expireTime');
  await refused('urllink.generate', { expireType: 0 }, 'expireTime');
});

test('expireInterval: 0 and 31 are refused, 1 and 30 pass', async () => {
  await refused('urlscheme.generate', { isExpire: true, expireType: 1, expireInterval: 0 }, 'expireInterval');
  await refused('urllink.generate', { expireInterval: 31 }, 'expireInterval');
  await refused('urllink.generate', { expireInterval: 1.5 }, 'expireInterval');
  await refused('urllink.generate', { expireType: 1 }, 'expireInterval');
  const one = await accepted('urlscheme.generate', { isExpire: true, expireType: 1, expireInterval: 1 });
  assert.equal(one.expire_interval, 1);
  ctx.emu.clear();
  const thirty = await accepted('urllink.generate', { expire_interval: 30 });
  assert.equal(thirty.expire_interval, 30);
});

test('expireInterval with expireType 0, and expireTime with expireType 1, are refused', async () => {
  await refused('urllink.generate', { expireType: 0, expireTime: inFuture(3600), expireInterval: 3 }, 'expireInterval');
  await refused('urllink.generate', { expireType: 1, expireTime: inFuture(3600), expireInterval: 3 }, 'expireTime');
});

test('isExpire: false together with an expiry is refused', async () => {
  await refused('urlscheme.generate', { isExpire: false, expireTime: inFuture(3600) }, 'isExpire');
  await refused('urlscheme.generate', { is_expire: false, expire_interval: 3 }, 'isExpire');
});

// ---- cloudBase ----

test('cloudBase without env is refused (cloudBase.env)', async () => {
  await refused('urllink.generate', { path: 'pages/a', cloudBase: { domain: 'x.com', path: '/a' } }, 'cloudBase.env');
  await refused('urllink.generate', { cloud_base: {} }, 'cloudBase.env');
});

test('cloudBase with an empty env is refused like a missing one (the platform answers 40097)', async () => {
  await refused('urllink.generate', { cloudBase: { env: '' } }, 'cloudBase.env');
});

test('cloudBase: unknown keys and wrong types name the nested field', async () => {
  await refused('urllink.generate', { cloudBase: { env: 'e', resourceAppId: 'x' } }, 'cloudBase.resourceAppId');
  await refused('urllink.generate', { cloudBase: { env: 5 } }, 'cloudBase.env');
  await refused('urllink.generate', { cloudBase: 'env-1' }, 'cloudBase');
  await refused('urllink.generate', { cloudBase: { env: 'e', query: 'a b' } }, 'cloudBase.query');
});

// ---- shortlink ----

test('pageUrl: missing and empty are refused', async () => {
  await refused('shortlink.generate', {}, 'pageUrl');
  await refused('shortlink.generate', undefined, 'pageUrl');
  await refused('shortlink.generate', { pageUrl: '' }, 'pageUrl');
  await refused('shortlink.generate', { pageTitle: 'x' }, 'pageUrl');
});

test('pageUrl: 1024 characters pass (query included), 1025 are refused', async () => {
  const url = `pages/a?x=${'p'.repeat(1024 - 10)}`;
  assert.equal(url.length, 1024);
  const body = await accepted('shortlink.generate', { pageUrl: url });
  assert.equal(body.page_url, url);
  ctx.emu.clear();
  await refused('shortlink.generate', { pageUrl: `${url}p` }, 'pageUrl');
  await refused('shortlink.generate', { page_url: 'p'.repeat(1025) }, 'pageUrl');
});

test('pageTitle and isPermanent: wrong types are refused', async () => {
  await refused('shortlink.generate', { pageUrl: 'p', pageTitle: 3 }, 'pageTitle');
  await refused('shortlink.generate', { pageUrl: 'p', isPermanent: 'no' }, 'isPermanent');
  await refused('shortlink.generate', { pageUrl: 'p', is_permanent: 1 }, 'isPermanent');
});

// ---- query methods ----

test('urlscheme.query needs scheme; queryType is 0 or 1', async () => {
  await refused('urlscheme.query', {}, 'scheme');
  await refused('urlscheme.query', { scheme: 5 }, 'scheme');
  await refused('urlscheme.query', { scheme: 'weixin://dl/business/?t=x', queryType: 2 }, 'queryType');
  await refused('urlscheme.query', { scheme: 'weixin://dl/business/?t=x', query_type: '1' }, 'queryType');
});

test('urllink.query needs urlLink', async () => {
  await refused('urllink.query', {}, 'urlLink');
  await refused('urllink.query', { scheme: 'x' }, 'scheme');
  await refused('urllink.query', { urlLink: ['x'] }, 'urlLink');
});

// ---- plainScheme (synchronous) ----

function plainRefused(request, field) {
  const wx = wechatClient(ctx.emu);
  const err = throwsLinkError(() => wx.plainScheme(request), {
    code: 'INVALID_ARGUMENT',
    field,
    platform: 'wechat',
    api: 'plainScheme',
    retryable: false,
  });
  assert.equal(ctx.emu.requests.length, 0);
  return err;
}

test('plainScheme: path is required', () => {
  plainRefused({}, 'path');
  plainRefused(undefined, 'path');
  plainRefused({ query: 'a=1' }, 'path');
  plainRefused({ path: 5 }, 'path');
});

test('plainScheme: an empty path is refused like a missing one', () => {
  plainRefused({ path: '' }, 'path');
});

test('plainScheme: query 512 characters pass (before encoding), 513 are refused', () => {
  const wx = wechatClient(ctx.emu);
  const link = wx.plainScheme({ path: 'p', query: '='.repeat(512) });
  assert.ok(link.endsWith(`&query=${'%3D'.repeat(512)}`), link.slice(-40));
  plainRefused({ path: 'p', query: 'a'.repeat(513) }, 'query');
  plainRefused({ path: 'p', query: 'a b' }, 'query');
  plainRefused({ path: 'p', query: '你' }, 'query');
});

test('plainScheme: envVersion must be release, trial or develop; unknown keys are refused', () => {
  plainRefused({ path: 'p', envVersion: 'prod' }, 'envVersion');
  plainRefused({ path: 'p', env_version: 'x' }, 'envVersion');
  const err = plainRefused({ path: 'p', envversion: 'trial' }, 'envversion');
  assert.match(err.message, /envVersion/);
});

test('plainScheme needs the appid (an accessToken client without one throws)', () => {
  const wx = new WeChatClient({ accessToken: 'tok-1234', baseUrl: ctx.emu.url });
  throwsLinkError(() => wx.plainScheme({ path: 'p' }), { code: 'INVALID_ARGUMENT', field: 'appid', api: 'plainScheme' });
});

// ---- wrong types ----

const WRONG_TYPES = [
  ['a number for path', 'urlscheme.generate', { jumpWxa: { path: 5 } }, 'jumpWxa.path'],
  ['a number for urllink path', 'urllink.generate', { path: 42 }, 'path'],
  ['a string for isExpire', 'urlscheme.generate', { isExpire: 'true', expireInterval: 1 }, 'isExpire'],
  ['a number for isExpire', 'urllink.generate', { isExpire: 1 }, 'isExpire'],
  ['a string for expireInterval', 'urllink.generate', { expireInterval: '7' }, 'expireInterval'],
  ['a string for expireTime', 'urllink.generate', { expireTime: '2030-01-01' }, 'expireTime'],
  ['a function for path', 'urlscheme.generate', { jumpWxa: { path: () => 'pages/a' } }, 'jumpWxa.path'],
  ['a function for query', 'urllink.generate', { query() {} }, 'query'],
  ['a Symbol for envVersion', 'urlscheme.generate', { jumpWxa: { envVersion: Symbol('trial') } }, 'jumpWxa.envVersion'],
  ['a Symbol for query', 'urllink.generate', { query: Symbol('q') }, 'query'],
  ['a BigInt for expireTime', 'urlscheme.generate', { expireTime: BigInt(inFuture(3600)) }, 'expireTime'],
  ['a BigInt for expireInterval', 'urllink.generate', { expireInterval: 3n }, 'expireInterval'],
  ['NaN for expireInterval', 'urllink.generate', { expireInterval: NaN }, 'expireInterval'],
  ['NaN for expireTime', 'urlscheme.generate', { expireTime: NaN }, 'expireTime'],
  ['Infinity for expireTime', 'urlscheme.generate', { expireTime: Infinity }, 'expireTime'],
  ['-Infinity for expireType', 'urllink.generate', { expireType: -Infinity }, 'expireType'],
  ['a string for jumpWxa', 'urlscheme.generate', { jumpWxa: 'pages/a' }, 'jumpWxa'],
  ['an array for jumpWxa', 'urlscheme.generate', { jumpWxa: ['pages/a'] }, 'jumpWxa'],
  ['an array for query', 'urllink.generate', { query: ['a=1'] }, 'query'],
  ['a nested object in an object query', 'urllink.generate', { query: { a: { b: 1 } } }, 'query.a'],
  ['a number for pageUrl', 'shortlink.generate', { pageUrl: 1 }, 'pageUrl'],
  ['a string request', 'urlscheme.generate', 'pages/a', 'request'],
  ['an array request', 'urllink.generate', [{ path: 'pages/a' }], 'request'],
  ['a number request', 'shortlink.generate', 5, 'request'],
  ['a Date request', 'urllink.generate', new Date(), 'request'],
];

for (const [label, api, request, field] of WRONG_TYPES) {
  test(`wrong type: ${label} → ${field}`, async () => {
    await refused(api, request, field);
  });
}

// ---- unknown keys and double spellings ----

test('an unknown key is named, with the nearest known key', async () => {
  const err = await refused('urlscheme.generate', { expiretime: inFuture(3600) }, 'expiretime');
  assert.match(err.message, /expireTime/);
  const err2 = await refused('urlscheme.generate', { jumpWxa: { path: 'p', envVersoin: 'trial' } }, 'jumpWxa.envVersoin');
  assert.match(err2.message, /envVersion/);
  const err3 = await refused('urllink.generate', { cloudbase: { env: 'e' } }, 'cloudbase');
  assert.match(err3.message, /cloudBase/);
  const err4 = await refused('shortlink.generate', { pageUrl: 'p', page_titel: 't' }, 'page_titel');
  assert.match(err4.message, /pageTitle/);
});

test('an unknown key far from any known one is named without a guess', async () => {
  const err = await refused('urllink.generate', { path: 'p', color: 'red' }, 'color');
  assert.match(err.message, /color/);
  assert.doesNotMatch(err.message, /did you mean/i);
});

test('a key given in both spellings is refused', async () => {
  const at = inFuture(3600);
  await refused('urlscheme.generate', { expireTime: at, expire_time: at }, 'expireTime');
  await refused('urlscheme.generate', { jumpWxa: { path: 'a' }, jump_wxa: { path: 'a' } }, 'jumpWxa');
  await refused('urlscheme.generate', { jumpWxa: { envVersion: 'trial', env_version: 'trial' } }, 'jumpWxa.envVersion');
  await refused('shortlink.generate', { pageUrl: 'p', page_url: 'p' }, 'pageUrl');
  await refused('urllink.generate', { cloudBase: { env: 'e' }, cloud_base: { env: 'e' } }, 'cloudBase');
});

// ---- unreadable requests ----

test('a circular request object is refused, not sent', async () => {
  const request = { jumpWxa: { path: 'pages/a' } };
  request.jumpWxa.self = request;
  await refused('urlscheme.generate', request, 'request');
});

test('a getter that throws is refused, not sent', async () => {
  const request = {
    path: 'pages/a',
    get query() {
      throw new Error('getter exploded');
    },
  };
  const err = await refused('urllink.generate', request, 'request');
  assert.match(err.message, /getter exploded/);
});

// ---- constructor ----

function badOptions(options, field) {
  const err = throwsLinkError(() => new WeChatClient(options), {
    code: 'INVALID_ARGUMENT',
    field,
    platform: 'wechat',
    retryable: false,
  });
  return err;
}

test('constructor: no way to authenticate', () => {
  badOptions({}, 'options');
  badOptions({ appid: 'wx1' }, 'options');
  badOptions({ baseUrl: ctx.emu.url }, 'options');
  badOptions(undefined, 'options');
  badOptions(null, 'options');
  badOptions('wx1', 'options');
});

test('constructor: two ways to authenticate at once', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ appid, secret, accessToken: 'tok' }, 'options');
  badOptions({ accessToken: 'tok', cloudbaseAccessToken: 'cb' }, 'options');
  badOptions({ accessToken: 'tok', openApiService: true }, 'options');
  badOptions({ appid, secret, cloudbaseAccessToken: () => 'cb' }, 'options');
});

test('constructor: secret without appid, empty credentials', () => {
  badOptions({ secret: 'abcdef' }, 'appid');
  badOptions({ appid: 'wx1', secret: '' }, 'secret');
  badOptions({ accessToken: '' }, 'accessToken');
  badOptions({ accessToken: 5 }, 'accessToken');
  badOptions({ cloudbaseAccessToken: {} }, 'cloudbaseAccessToken');
  badOptions({ appid: 5, secret: 'abcdef' }, 'appid');
  badOptions({ openApiService: 'true' }, 'openApiService');
});

test('constructor: baseUrl must be https (plain http only on loopback or with openApiService)', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ appid, secret, baseUrl: 'http://api.weixin.qq.com' }, 'baseUrl');
  badOptions({ appid, secret, baseUrl: 'http://127.0.0.1.example.com' }, 'baseUrl');
  badOptions({ appid, secret, baseUrl: 'ftp://api.weixin.qq.com' }, 'baseUrl');
  badOptions({ appid, secret, baseUrl: 'api.weixin.qq.com' }, 'baseUrl');
  badOptions({ appid, secret, baseUrl: 'https://api.weixin.qq.com/?x=1' }, 'baseUrl');
  badOptions({ appid, secret, baseUrl: 5 }, 'baseUrl');
  // Allowed:
  for (const baseUrl of ['https://api.weixin.qq.com', 'http://127.0.0.1:8080', 'http://localhost:9', 'http://[::1]:9', ctx.emu.url]) {
    assert.ok(new WeChatClient({ appid, secret, baseUrl }), baseUrl);
  }
  assert.ok(new WeChatClient({ openApiService: true, baseUrl: 'http://api.weixin.qq.com' }));
});

test('constructor: fetch must be a function', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ appid, secret, fetch: 'fetch' }, 'fetch');
  badOptions({ appid, secret, fetch: {} }, 'fetch');
  badOptions({ appid, secret, fetch: true }, 'fetch');
});

test('constructor: timeoutMs must be more than 0', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ appid, secret, timeoutMs: 0 }, 'timeoutMs');
  badOptions({ appid, secret, timeoutMs: -1 }, 'timeoutMs');
  badOptions({ appid, secret, timeoutMs: NaN }, 'timeoutMs');
  badOptions({ appid, secret, timeoutMs: Infinity }, 'timeoutMs');
  badOptions({ appid, secret, timeoutMs: '1000' }, 'timeoutMs');
  assert.ok(new WeChatClient({ appid, secret, timeoutMs: 1 }));
});

test('constructor: retries must be a whole number 0 to 10', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ appid, secret, retries: 11 }, 'retries');
  badOptions({ appid, secret, retries: 1.5 }, 'retries');
  badOptions({ appid, secret, retries: -1 }, 'retries');
  badOptions({ appid, secret, retries: '2' }, 'retries');
  assert.ok(new WeChatClient({ appid, secret, retries: 0 }));
  assert.ok(new WeChatClient({ appid, secret, retries: 10 }));
});

test('constructor: tokenStore needs get and set functions, and appid + secret', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ appid, secret, tokenStore: { get() {} } }, 'tokenStore.set');
  badOptions({ appid, secret, tokenStore: { set() {} } }, 'tokenStore.get');
  badOptions({ appid, secret, tokenStore: { get() {}, set: 'x' } }, 'tokenStore.set');
  badOptions({ appid, secret, tokenStore: 'redis' }, 'tokenStore');
  badOptions({ accessToken: 'tok', tokenStore: { get() {}, set() {} } }, 'tokenStore');
  assert.ok(new WeChatClient({ appid, secret, tokenStore: new Map() }), 'a Map has get and set');
});

test('constructor: stableToken only with appid + secret, and a boolean', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  badOptions({ accessToken: 'tok', stableToken: true }, 'stableToken');
  badOptions({ cloudbaseAccessToken: 'cb', stableToken: true }, 'stableToken');
  badOptions({ appid, secret, stableToken: 'yes' }, 'stableToken');
});

test('constructor: an unknown option is named, with the nearest known one', () => {
  const err = badOptions({ appid: 'wx1', secert: 'abcdef' }, 'secert');
  assert.match(err.message, /secret/);
  const err2 = badOptions({ accessToken: 'tok', timeout: 100 }, 'timeout');
  assert.match(err2.message, /timeoutMs/);
});

test('constructor errors make no request', () => {
  badOptions({ baseUrl: ctx.emu.url, appid: 'wx1', secret: 'abcdef', retries: 99 }, 'retries');
  assert.equal(ctx.emu.requests.length, 0);
});

test('getAccessToken: a wrong forceRefresh is refused', async () => {
  const wx = wechatClient(ctx.emu);
  await rejectsWithLinkError(wx.getAccessToken({ forceRefresh: 'yes' }), {
    code: 'INVALID_ARGUMENT',
    field: 'forceRefresh',
    api: 'auth.getAccessToken',
  });
  await rejectsWithLinkError(wx.getAccessToken({ force: true }), { code: 'INVALID_ARGUMENT', field: 'force' });
  assert.equal(ctx.emu.requests.length, 0);
});
