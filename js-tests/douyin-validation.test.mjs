// Douyin validation: every rule, at and past its bound. A broken rule rejects
// with INVALID_ARGUMENT naming the field, and NO request is sent, not even
// the token request (each case uses a fresh client with an empty token cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DouyinClient,
  LinkError,
  useEmulator,
  douyinClient,
  rejectsWithLinkError,
  throwsLinkError,
  assertNoSecrets,
  requestsTo,
  inFuture,
  DAY,
  errorLog,
} from './helpers.mjs';

const ctx = useEmulator();
// Every LinkError the file saw; the last test checks none leaks a secret.
const { collect, emulators, assertClean } = errorLog(ctx);

const V1_LINK = '/api/apps/url_link/generate';
const V2_LINK = '/api/apps/v1/url_link/generate/';

const fresh = (api = 'v1') => douyinClient(ctx.emu, { api, retries: 0 });
const apiName = (api) => (api === 'v2' ? 'douyin.v2.urlLink.generate' : 'douyin.urlLink.generate');

/** generate(request) on a fresh client must reject on `field` with no request at all. */
async function rejectsLocally(request, field, { api = 'v1', message } = {}) {
  const err = await rejectsWithLinkError(fresh(api).urlLink.generate(request), {
    code: 'INVALID_ARGUMENT',
    platform: 'douyin',
    api: apiName(api),
    retryable: false,
    field,
    ...(message ? { message } : {}),
  });
  assert.equal(err.errcode, undefined);
  assert.equal(err.status, undefined);
  assert.deepEqual(ctx.emu.requests, [], `no request may be sent for an invalid ${field}`);
  collect(err);
  return err;
}

/** generate(request) on a fresh client must succeed, with one link request. */
async function accepted(request, api = 'v1') {
  const result = await fresh(api).urlLink.generate(request);
  assert.match(result.urlLink, /^https:\/\/z\.douyin\.com\//);
  assert.equal(requestsTo(ctx.emu, api === 'v2' ? V2_LINK : V1_LINK).length, 1);
  ctx.emu.clear();
  return result;
}

/**
 * Runs `fn(nowSeconds)` with Date.now frozen half-way through a second, so
 * that the package, the emulator and the test agree on "now" (bounds such as
 * now + 1 would otherwise race the clock).
 */
async function atFrozenClock(fn) {
  const realNow = Date.now;
  const fixed = Math.floor(realNow() / 1000) * 1000 + 500;
  Date.now = () => fixed;
  try {
    return await fn(Math.floor(fixed / 1000));
  } finally {
    Date.now = realNow;
  }
}

// ---------------------------------------------------------------- expireTime

for (const api of ['v1', 'v2']) {
  test(`${api} expireTime is required (also with an empty request and no request at all)`, async () => {
    await rejectsLocally({ path: 'pages/index' }, 'expireTime', { api, message: /required/ });
    await rejectsLocally({}, 'expireTime', { api });
    const err = await rejectsWithLinkError(fresh(api).urlLink.generate(), { code: 'INVALID_ARGUMENT', field: 'expireTime' });
    collect(err);
    assert.deepEqual(ctx.emu.requests, []);
    // null counts as absent.
    await rejectsLocally({ expireTime: null }, 'expireTime', { api });
  });

  test(`${api} expireTime bounds: now rejected, now+1 ok, +180 days ok, +180 days+1 rejected, past rejected`, async () => {
    await atFrozenClock(async (now) => {
      await rejectsLocally({ expireTime: now }, 'expireTime', { api });
      await rejectsLocally({ expireTime: now - 3600 }, 'expireTime', { api, message: /past/ });
      await accepted({ expireTime: now + 1 }, api);
      await accepted({ expireTime: now + 180 * DAY }, api);
      await rejectsLocally({ expireTime: now + 180 * DAY + 1 }, 'expireTime', { api, message: /180 days/ });
      await rejectsLocally({ expire_time: now + 180 * DAY + 1 }, 'expireTime', { api });
      // The same bounds as a Date.
      await rejectsLocally({ expireTime: new Date(now * 1000) }, 'expireTime', { api });
      await accepted({ expireTime: new Date((now + 1) * 1000) }, api);
      await accepted({ expireTime: new Date((now + 180 * DAY) * 1000) }, api);
      await rejectsLocally({ expireTime: new Date((now + 180 * DAY + 1) * 1000) }, 'expireTime', { api });
    });
  });
}

test('expireTime in milliseconds is named as such', async () => {
  const err = await rejectsLocally({ expireTime: Date.now() + 3600 * 1000 }, 'expireTime', { message: /milliseconds/ });
  assert.match(err.message, /^expireTime: /);
  await rejectsLocally({ expire_time: Date.now() + 3600 * 1000 }, 'expireTime', { api: 'v2', message: /milliseconds/ });
});

test('expireTime must be whole seconds: a fraction is rejected', async () => {
  await rejectsLocally({ expireTime: inFuture(3600) + 0.5 }, 'expireTime', { message: /whole/ });
  await rejectsLocally({ expireTime: inFuture(3600) + 0.5 }, 'expireTime', { api: 'v2' });
});

test('expireTime of the wrong type: string, boolean, NaN, Infinity, invalid Date, BigInt, object', async () => {
  for (const bad of [String(inFuture(3600)), true, NaN, Infinity, new Date('nope'), BigInt(inFuture(3600)), { seconds: 1 }, [inFuture(3600)]]) {
    await rejectsLocally({ expireTime: bad }, 'expireTime');
  }
});

// ---------------------------------------------------------------- appName

test('appName: v1 takes douyin and douyinlite only; toutiao is v2-only', async () => {
  await accepted({ appName: 'douyin', expireTime: inFuture(3600) });
  await accepted({ appName: 'douyinlite', expireTime: inFuture(3600) });
  for (const bad of ['toutiao', 'toutiaolite', 'Douyin', 'douyin ', 'xigua', '']) {
    await rejectsLocally({ appName: bad, expireTime: inFuture(3600) }, 'appName', { message: /douyin, douyinlite/ });
  }
  await rejectsLocally({ app_name: 'toutiao', expireTime: inFuture(3600) }, 'appName');
});

test('appName: v2 takes douyin, douyinlite, toutiao, toutiaolite and nothing else', async () => {
  for (const ok of ['toutiao', 'toutiaolite']) await accepted({ appName: ok, expireTime: inFuture(3600) }, 'v2');
  for (const bad of ['xigua', 'Toutiao', '']) {
    await rejectsLocally({ appName: bad, expireTime: inFuture(3600) }, 'appName', { api: 'v2' });
  }
});

test('appName of the wrong type', async () => {
  for (const bad of [1, true, ['douyin'], { name: 'douyin' }]) {
    await rejectsLocally({ appName: bad, expireTime: inFuture(3600) }, 'appName');
  }
});

// ---------------------------------------------------------------- path

test('path must not carry a query (no `?`), on both generations', async () => {
  await rejectsLocally({ path: 'pages/index?id=1', expireTime: inFuture(3600) }, 'path', { message: /`\?`/ });
  await rejectsLocally({ path: '?', expireTime: inFuture(3600) }, 'path', { api: 'v2' });
  await accepted({ path: 'pages/index', expireTime: inFuture(3600) });
  await accepted({ path: '', expireTime: inFuture(3600) });
});

test('path of the wrong type', async () => {
  for (const bad of [5, false, ['pages/index'], { p: 1 }, () => 'pages/index']) {
    await rejectsLocally({ path: bad, expireTime: inFuture(3600) }, 'path');
  }
});

// ---------------------------------------------------------------- query

test('query must be the text of a JSON object', async () => {
  for (const bad of ['id=1', '[]', '"x"', '1', 'null', '{', '{id:1}', '']) {
    await rejectsLocally({ query: bad, expireTime: inFuture(3600) }, 'query');
  }
  await rejectsLocally({ query: '[]', expireTime: inFuture(3600) }, 'query', { api: 'v2' });
  await rejectsLocally({ query: '"x"', expireTime: inFuture(3600) }, 'query', { api: 'v2', message: /JSON object/ });
  await rejectsLocally({ query: 'id=1', expireTime: inFuture(3600) }, 'query', { message: /JSON object/ });
  await accepted({ query: '{}', expireTime: inFuture(3600) });
  await accepted({ query: '{"id":"123","n":1,"nested":{"a":true}}', expireTime: inFuture(3600) });
});

test('query: `[` and `]` are outside the documented charset, so arrays are refused even inside an object', async () => {
  await rejectsLocally({ query: '{"a":[1,2]}', expireTime: inFuture(3600) }, 'query');
  await rejectsLocally({ query: { a: [1, 2] }, expireTime: inFuture(3600) }, 'query');
});

test('query: the charset message lists the characters Douyin accepts (with `{`, `}` and `"`)', async () => {
  // A JSON object needs `{`, `}` and `"`; a message that leaves them out of
  // "allowed" sends the caller looking for the wrong problem.
  const err = await rejectsLocally({ query: '{"id": "1"}', expireTime: inFuture(3600) }, 'query');
  const allowed = /allowed: (.*)\)$/.exec(err.message);
  assert.ok(allowed, err.message);
  for (const c of ['{', '}', '"']) assert.ok(allowed[1].includes(c), `the allowed list in ${JSON.stringify(err.message)} lacks ${c}`);
});

test('query: 1024 characters pass, 1025 are rejected (as text and as an object)', async () => {
  const text = (n) => `{"a":"${'x'.repeat(n - 8)}"}`;
  assert.equal(text(1024).length, 1024);
  await accepted({ query: text(1024), expireTime: inFuture(3600) });
  await accepted({ query: text(1024), expireTime: inFuture(3600) }, 'v2');
  await rejectsLocally({ query: text(1025), expireTime: inFuture(3600) }, 'query', { message: /1025/ });
  await rejectsLocally({ query: text(1025), expireTime: inFuture(3600) }, 'query', { api: 'v2' });
  // An object is measured after serialising.
  await accepted({ query: { a: 'x'.repeat(1024 - 8) }, expireTime: inFuture(3600) });
  await rejectsLocally({ query: { a: 'x'.repeat(1025 - 8) }, expireTime: inFuture(3600) }, 'query');
});

test('query characters outside the documented charset are rejected (space, CJK, <, |, \\)', async () => {
  for (const bad of ['{"id": "1"}', '{"name":"张三"}', '{"a":"<b>"}', '{"a":"x|y"}', '{"a":"\\n"}']) {
    await rejectsLocally({ query: bad, expireTime: inFuture(3600) }, 'query');
  }
  // An object whose JSON falls outside the charset, likewise.
  await rejectsLocally({ query: { a: 'x y' }, expireTime: inFuture(3600) }, 'query');
  // Every documented special character passes.
  await accepted({ query: `{"a":"!#$&'()*+,/:;=?@-._~%"}`, expireTime: inFuture(3600) });
});

test('query of the wrong type: number, boolean, array, Date, function', async () => {
  for (const bad of [1, true, [], ['a'], new Date(), () => '{}']) {
    await rejectsLocally({ query: bad, expireTime: inFuture(3600) }, 'query');
  }
});

// ---------------------------------------------------------------- keys and shapes

test('unknown keys are rejected by name, with the nearest known key suggested', async () => {
  await rejectsLocally({ maAppId: 'tt1', expireTime: inFuture(3600) }, 'maAppId', { message: /unknown key/ });
  await rejectsLocally({ ma_app_id: 'tt1', expireTime: inFuture(3600) }, 'ma_app_id');
  await rejectsLocally({ access_token: 'x', expireTime: inFuture(3600) }, 'access_token');
  await rejectsLocally({ app_id: 'tt1', expireTime: inFuture(3600) }, 'app_id', { api: 'v2' });
  await rejectsLocally({ expireTiem: inFuture(3600) }, 'expireTiem', { message: /did you mean `expireTime`/ });
  await rejectsLocally({ appname: 'douyin', expireTime: inFuture(3600) }, 'appname', { message: /did you mean `appName`/ });
});

test('a key given in both naming styles is rejected', async () => {
  await rejectsLocally({ expireTime: inFuture(3600), expire_time: inFuture(3600) }, 'expireTime', { message: /twice/ });
  await rejectsLocally({ appName: 'douyin', app_name: 'douyin', expireTime: inFuture(3600) }, 'appName');
});

test('the request must be a plain object', async () => {
  for (const bad of [null, 'expireTime', 42, [], new Date()]) {
    const err = await rejectsWithLinkError(fresh().urlLink.generate(bad), { code: 'INVALID_ARGUMENT', field: 'request' });
    collect(err);
  }
  const circular = { expireTime: inFuture(3600) };
  circular.self = circular;
  collect(await rejectsWithLinkError(fresh().urlLink.generate(circular), { code: 'INVALID_ARGUMENT', field: 'request' }));
  assert.deepEqual(ctx.emu.requests, []);
});

test('queryInfo needs urlLink (a string); queryQuota takes no keys', async () => {
  const dy = fresh('v2');
  const info = { code: 'INVALID_ARGUMENT', api: 'douyin.v2.urlLink.queryInfo', platform: 'douyin' };
  collect(await rejectsWithLinkError(dy.urlLink.queryInfo({}), { ...info, field: 'urlLink' }));
  collect(await rejectsWithLinkError(dy.urlLink.queryInfo(), { ...info, field: 'urlLink' }));
  collect(await rejectsWithLinkError(dy.urlLink.queryInfo({ urlLink: 5 }), { ...info, field: 'urlLink' }));
  collect(await rejectsWithLinkError(dy.urlLink.queryInfo({ urlLink: 'u', app_id: 'x' }), { ...info, field: 'app_id' }));
  collect(
    await rejectsWithLinkError(dy.urlLink.queryQuota({ appId: 'x' }), {
      code: 'INVALID_ARGUMENT',
      api: 'douyin.v2.urlLink.queryQuota',
      field: 'appId',
    }),
  );
  assert.deepEqual(ctx.emu.requests, []);
});

test('queryInfo and queryQuota on a v1 client reject with INVALID_ARGUMENT and send nothing', async () => {
  const dy = fresh('v1');
  collect(await rejectsWithLinkError(dy.urlLink.queryInfo({ urlLink: 'https://z.douyin.com/x' }), { code: 'INVALID_ARGUMENT', platform: 'douyin', retryable: false }));
  collect(await rejectsWithLinkError(dy.urlLink.queryQuota(), { code: 'INVALID_ARGUMENT', platform: 'douyin', retryable: false }));
  assert.deepEqual(ctx.emu.requests, []);
});

test('getAccessToken: forceRefresh must be a boolean; an unknown key is rejected; nothing is sent', async () => {
  const dy = fresh();
  const base = { code: 'INVALID_ARGUMENT', api: 'douyin.getAccessToken', platform: 'douyin' };
  collect(await rejectsWithLinkError(dy.getAccessToken({ forceRefresh: 'yes' }), { ...base, field: 'forceRefresh' }));
  collect(await rejectsWithLinkError(dy.getAccessToken({ force: true }), { ...base, field: 'force' }));
  collect(await rejectsWithLinkError(fresh('v2').getAccessToken({ forceRefresh: 1 }), { ...base, api: 'douyin.v2.getAccessToken' }));
  assert.deepEqual(ctx.emu.requests, []);
});

test('getAccessToken on a client given an accessToken rejects with INVALID_ARGUMENT', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = new DouyinClient({ appid, accessToken: 'given-token-0001', baseUrl: ctx.emu.url });
  collect(await rejectsWithLinkError(dy.getAccessToken(), { code: 'INVALID_ARGUMENT', api: 'douyin.getAccessToken' }));
  assert.deepEqual(ctx.emu.requests, []);
});

// ---------------------------------------------------------------- constructor

test('constructor: appid is required, with a secret and with an accessToken', () => {
  const { secret } = ctx.emu.credentials.douyin;
  const expected = { code: 'INVALID_ARGUMENT', platform: 'douyin', field: 'appid', retryable: false };
  collect(throwsLinkError(() => new DouyinClient({ secret }), expected));
  collect(throwsLinkError(() => new DouyinClient({ accessToken: 'given-token-0001' }), expected));
  collect(throwsLinkError(() => new DouyinClient({ accessToken: () => 'given-token-0001', api: 'v2' }), expected));
  collect(throwsLinkError(() => new DouyinClient({ appid: '', secret }), expected));
  collect(throwsLinkError(() => new DouyinClient({ appid: 7, secret }), expected));
});

test('constructor: api must be v1 or v2', () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  for (const api of ['v3', 'V2', '', 2]) {
    collect(throwsLinkError(() => new DouyinClient({ appid, secret, api }), { code: 'INVALID_ARGUMENT', platform: 'douyin', field: 'api' }));
  }
  // Both generations construct, explicitly or by default.
  assert.ok(new DouyinClient({ appid, secret, api: 'v1' }));
  assert.ok(new DouyinClient({ appid, secret, api: 'v2' }));
  assert.ok(new DouyinClient({ appid, secret }));
});

test('constructor: a way to authenticate, exactly one', () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  const expected = { code: 'INVALID_ARGUMENT', platform: 'douyin', field: 'options' };
  collect(throwsLinkError(() => new DouyinClient({ appid }), expected));
  collect(throwsLinkError(() => new DouyinClient({ appid, secret, accessToken: 'given-token-0001' }), expected));
  // WeChat-only options are unknown here.
  collect(throwsLinkError(() => new DouyinClient({ appid, cloudbaseAccessToken: 'cb-token' }), { field: 'cloudbaseAccessToken' }));
  collect(throwsLinkError(() => new DouyinClient({ appid, secret, stableToken: true }), { field: 'stableToken' }));
  collect(throwsLinkError(() => new DouyinClient({ appid, openApiService: true }), { field: 'openApiService' }));
});

test('constructor: options of the wrong type', () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  const cases = [
    [{ appid, secret: 5 }, 'secret'],
    [{ appid, secret: '' }, 'secret'],
    [{ appid, accessToken: 5 }, 'accessToken'],
    [{ appid, accessToken: '' }, 'accessToken'],
    [{ appid, secret, baseUrl: 'ftp://x' }, 'baseUrl'],
    [{ appid, secret, baseUrl: 'http://open.douyin.com' }, 'baseUrl'],
    [{ appid, secret, fetch: 'fetch' }, 'fetch'],
    [{ appid, secret, timeoutMs: 0 }, 'timeoutMs'],
    [{ appid, secret, timeoutMs: '100' }, 'timeoutMs'],
    [{ appid, secret, retries: -1 }, 'retries'],
    [{ appid, secret, retries: 1.5 }, 'retries'],
    [{ appid, secret, retries: '2' }, 'retries'],
    [{ appid, secret, tokenStore: { get() {} } }, 'tokenStore.set'],
    [{ appid, accessToken: 'given-token-0001', tokenStore: { get() {}, set() {} } }, 'tokenStore'],
    [{ appid, secret, appId: appid }, 'appId'],
  ];
  for (const [options, field] of cases) {
    collect(throwsLinkError(() => new DouyinClient(options), { code: 'INVALID_ARGUMENT', platform: 'douyin', field }));
  }
  for (const bad of [undefined, null, 'tt1', 5]) {
    collect(throwsLinkError(() => new DouyinClient(bad), { code: 'INVALID_ARGUMENT', platform: 'douyin', field: 'options' }));
  }
});

test('constructor errors are LinkErrors thrown synchronously, and carry no secret', () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  const err = throwsLinkError(() => new DouyinClient({ appid, secret, api: 'v3', retries: 99 }), { code: 'INVALID_ARGUMENT' });
  assert.ok(err instanceof LinkError);
  assertNoSecrets(err, [secret]);
  const unknownWithToken = throwsLinkError(() => new DouyinClient({ appid, accessToken: 'given-token-0001', secert: secret }));
  assertNoSecrets(unknownWithToken, [secret, 'given-token-0001']);
});

test('no error collected in this file carries the secret or an issued token', () => {
  assertClean({ atLeast: 50, secrets: [ctx.emu.credentials.douyin.secret, 'given-token-0001'], emulatorErrors: false });
});
