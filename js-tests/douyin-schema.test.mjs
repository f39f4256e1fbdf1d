// Douyin Schema links (api: 'v2'): schema.generate, schema.query and
// schema.queryQuota against the emulator. The exact requests they send (path,
// headers, JSON body) in both naming styles; every rule at and past its bound,
// refused with nothing sent; the emulator's own checks on the routes; the
// client_token error codes (10002, 10003, 10013, 10020) and 28005002; and no
// secret or token in any error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  DouyinClient,
  useEmulator,
  withEmulator,
  douyinClient,
  rejectsWithLinkError,
  assertNoSecrets,
  requestsTo,
  onlyRequest,
  lastIssuedToken,
  inFuture,
  DAY,
  errorLog,
} from './helpers.mjs';

const ctx = useEmulator();
// Every LinkError the file saw; the last test checks none leaks a secret.
const { collect, emulators, assertClean } = errorLog(ctx);

const TOKEN = '/oauth/client_token/';
const GENERATE = '/api/apps/v1/url/generate_schema/';
const QUERY = '/api/apps/v1/url/query_schema/';
const QUOTA = '/api/apps/v1/url/query_schema_quota/';
const SCHEMA_RE = /^sslocal:\/\/miniapp\?ticket=[A-Za-z0-9]+$/;
const LOG_ID = /^[0-9]{14}[0-9A-F]{18}$/;
const MAX_LEAD = 180 * DAY;

const v2 = (extra) => douyinClient(ctx.emu, { api: 'v2', retries: 0, ...extra });
const count = (path) => requestsTo(ctx.emu, path).length;

const only = (path) => onlyRequest(ctx.emu, path);

const lastToken = () => lastIssuedToken(ctx.emu);

/** A client whose token is already cached, so that a test counts schema requests only. */
async function warmed(extra) {
  const dy = v2(extra);
  await dy.getAccessToken();
  ctx.emu.clear();
  return dy;
}

async function expectError(promise, expected) {
  return collect(await rejectsWithLinkError(promise, { platform: 'douyin', ...expected }));
}

/** A Douyin query text of exactly `length` characters: {"a":"xx…"}. */
const queryOf = (length) => `{"a":"${'x'.repeat(length - 8)}"}`;

/**
 * Runs `fn(nowSeconds)` with Date.now frozen half-way through a second, so
 * that the package, the emulator and the test agree on "now".
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

// ---------------------------------------------------------------- generate

test('generate, cloud-call names: POST generate_schema, access-token header, {app_id, path, query, no_expire, expire_time}', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expireTime = inFuture(2 * 3600);
  const result = await v2().schema.generate({ path: 'pages/item/detail', query: '{"id":"123"}', expireTime });
  assert.match(result.schema, SCHEMA_RE);
  assert.match(result.logId, LOG_ID);
  assert.deepEqual(Object.keys(result).sort(), ['logId', 'schema']);
  const req = only(GENERATE);
  assert.equal(req.method, 'POST');
  assert.equal(req.path, GENERATE);
  assert.deepEqual(req.query, {}, 'nothing in the URL');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['access-token'], lastToken());
  assert.deepEqual(req.json, { app_id: appid, path: 'pages/item/detail', query: '{"id":"123"}', no_expire: false, expire_time: expireTime });
});

test('generate, HTTPS names: expire_time and no_expire give the same body; an object query is sent as JSON text', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expire_time = inFuture(3 * 3600);
  await v2().schema.generate({ path: 'pages/a', query: { id: '1', n: 2 }, expire_time, no_expire: false });
  assert.deepEqual(only(GENERATE).json, { app_id: appid, path: 'pages/a', query: '{"id":"1","n":2}', no_expire: false, expire_time });
});

test('generate defaults: query {} and no path key when none is given; a Date is sent as whole Unix seconds', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const seconds = inFuture(5 * 3600);
  await v2().schema.generate({ expireTime: new Date(seconds * 1000 + 999) });
  assert.deepEqual(only(GENERATE).json, { app_id: appid, query: '{}', no_expire: false, expire_time: seconds });
});

test('generate long-term: noExpire / no_expire true sends no expire_time', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = v2();
  assert.match((await dy.schema.generate({ noExpire: true })).schema, SCHEMA_RE);
  await dy.schema.generate({ no_expire: true, path: 'pages/index', query: { from: 'sms' } });
  assert.deepEqual(
    requestsTo(ctx.emu, GENERATE).map((r) => r.json),
    [
      { app_id: appid, query: '{}', no_expire: true },
      { app_id: appid, path: 'pages/index', query: '{"from":"sms"}', no_expire: true },
    ],
  );
  assert.equal(count(TOKEN), 1, 'one token for both calls');
});

// ---------------------------------------------------------------- query, queryQuota

test('query({schema}): POST query_schema with {app_id, schema}; camelCased answer with logId', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = v2();
  const expireTime = inFuture(2 * DAY);
  const { schema } = await dy.schema.generate({ path: 'pages/p', query: { q: '1' }, expireTime });
  ctx.emu.clear();
  const info = await dy.schema.query({ schema });
  const req = only(QUERY);
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['access-token'], lastToken());
  assert.deepEqual(req.json, { app_id: appid, schema });
  assert.deepEqual(Object.keys(info).sort(), ['appId', 'createTime', 'expireTime', 'logId', 'path', 'query']);
  assert.equal(info.appId, appid);
  assert.equal(info.path, 'pages/p');
  assert.equal(info.query, '{"q":"1"}');
  assert.equal(info.expireTime, expireTime);
  assert.equal(typeof info.createTime, 'number');
  assert.match(info.logId, LOG_ID);

  const { schema: longTerm } = await dy.schema.generate({ noExpire: true });
  assert.equal((await dy.schema.query({ schema: longTerm })).expireTime, 0, "the emulator's long-term expiry");
});

test('queryQuota() and queryQuota({}): POST query_schema_quota with {app_id}; long-term and short-term counts', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = v2();
  const before = await dy.schema.queryQuota();
  assert.deepEqual(Object.keys(before).sort(), ['logId', 'longTermSchemaQuota', 'shortTermSchemaQuota']);
  for (const quota of [before.longTermSchemaQuota, before.shortTermSchemaQuota]) {
    assert.deepEqual(Object.keys(quota).sort(), ['schemaLimit', 'schemaUsed']);
    assert.equal(typeof quota.schemaUsed, 'number');
    assert.equal(typeof quota.schemaLimit, 'number');
  }
  await dy.schema.generate({ noExpire: true });
  await dy.schema.generate({ expireTime: inFuture(3600) });
  await dy.schema.generate({ expireTime: inFuture(3600) });
  const after = await dy.schema.queryQuota({});
  assert.equal(after.longTermSchemaQuota.schemaUsed, before.longTermSchemaQuota.schemaUsed + 1);
  assert.equal(after.shortTermSchemaQuota.schemaUsed, before.shortTermSchemaQuota.schemaUsed + 2);
  const reqs = requestsTo(ctx.emu, QUOTA);
  assert.equal(reqs.length, 2);
  for (const r of reqs) {
    assert.deepEqual(r.json, { app_id: appid });
    assert.equal(r.headers['access-token'], lastToken());
  }
});

test('with accessToken (a string or a function): sent in the header, no token request', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const { accessToken } = await v2().getAccessToken();
  ctx.emu.clear();
  for (const given of [accessToken, async () => accessToken]) {
    const dy = new DouyinClient({ appid, accessToken: given, api: 'v2', baseUrl: ctx.emu.url });
    const { schema } = await dy.schema.generate({ noExpire: true });
    await dy.schema.query({ schema });
    await dy.schema.queryQuota();
  }
  assert.equal(count(TOKEN), 0);
  assert.equal(ctx.emu.requests.length, 6);
  for (const r of ctx.emu.requests) assert.equal(r.headers['access-token'], accessToken);
});

test('a token the platform rejects (28001003): one new token, the call retried once', async () => {
  const dy = await warmed();
  ctx.emu.inject({ route: GENERATE, kind: 'expireToken' });
  assert.match((await dy.schema.generate({ expireTime: inFuture(3600) })).schema, SCHEMA_RE);
  assert.equal(count(TOKEN), 1);
  const sent = requestsTo(ctx.emu, GENERATE);
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0].headers['access-token'], sent[1].headers['access-token']);
  assert.equal(sent[1].headers['access-token'], lastToken());
});

test('a v1 client has the methods, which reject with INVALID_ARGUMENT and send nothing', async () => {
  const dy = douyinClient(ctx.emu, { retries: 0 });
  const cases = [
    [() => dy.schema.generate({ noExpire: true }), 'douyin.v2.schema.generate'],
    [() => dy.schema.query({ schema: 'sslocal://miniapp?ticket=x' }), 'douyin.v2.schema.query'],
    [() => dy.schema.queryQuota(), 'douyin.v2.schema.queryQuota'],
  ];
  for (const [call, api] of cases) {
    await expectError(call(), { code: 'INVALID_ARGUMENT', api, retryable: false, field: 'api', message: /not available on this client/ });
  }
  assert.deepEqual(ctx.emu.requests, []);
});

// ---------------------------------------------------------------- rules, nothing sent

/** generate(request) on a fresh v2 client must reject on `field`, with no request at all. */
async function refused(call, field, { api = 'douyin.v2.schema.generate', message } = {}) {
  const err = await expectError(call(v2()), {
    code: 'INVALID_ARGUMENT',
    api,
    retryable: false,
    field,
    ...(message ? { message } : {}),
  });
  assert.equal(err.errcode, undefined);
  assert.deepEqual(ctx.emu.requests, [], `no request may be sent for an invalid ${field}`);
  return err;
}
const generateRefused = (request, field, options) => refused((dy) => dy.schema.generate(request), field, options);

/** generate(request) on a fresh v2 client goes through, with one schema request. */
async function generated(request) {
  const result = await v2().schema.generate(request);
  assert.match(result.schema, SCHEMA_RE);
  assert.equal(count(GENERATE), 1);
  const body = only(GENERATE).json;
  ctx.emu.clear();
  return body;
}

test('expireTime is required for a short-term schema (absent, null, noExpire: false, no request at all)', async () => {
  await generateRefused({ path: 'pages/index' }, 'expireTime', { message: /required/ });
  await generateRefused({}, 'expireTime');
  await generateRefused({ expireTime: null }, 'expireTime');
  await generateRefused({ noExpire: false }, 'expireTime');
  await refused((dy) => dy.schema.generate(), 'expireTime');
});

test('expireTime bounds: now refused, now+1 ok, +180 days ok, +180 days+1 refused, past refused (seconds and Dates)', async () => {
  await atFrozenClock(async (now) => {
    await generateRefused({ expireTime: now }, 'expireTime');
    await generateRefused({ expireTime: now - 3600 }, 'expireTime', { message: /past/ });
    assert.equal((await generated({ expireTime: now + 1 })).expire_time, now + 1);
    assert.equal((await generated({ expireTime: now + MAX_LEAD })).expire_time, now + MAX_LEAD);
    await generateRefused({ expireTime: now + MAX_LEAD + 1 }, 'expireTime', { message: /180 days/ });
    await generateRefused({ expire_time: now + MAX_LEAD + 1 }, 'expireTime');
    await generateRefused({ expireTime: new Date(now * 1000) }, 'expireTime');
    assert.equal((await generated({ expireTime: new Date((now + MAX_LEAD) * 1000) })).expire_time, now + MAX_LEAD);
    await generateRefused({ expireTime: new Date((now + MAX_LEAD + 1) * 1000) }, 'expireTime');
  });
});

test('expireTime in milliseconds, as a fraction or of the wrong type is refused', async () => {
  await generateRefused({ expireTime: Date.now() + 3600e3 }, 'expireTime', { message: /milliseconds/ });
  await generateRefused({ expireTime: inFuture(3600) + 0.5 }, 'expireTime', { message: /whole/ });
  for (const expireTime of ['soon', true, NaN, new Date('nope')]) await generateRefused({ expireTime }, 'expireTime');
});

test('noExpire: a long-term schema takes no expireTime; a boolean; one naming style', async () => {
  await generateRefused({ noExpire: true, expireTime: inFuture(3600) }, 'expireTime', { message: /noExpire/ });
  await generateRefused({ no_expire: true, expire_time: inFuture(3600) }, 'expireTime');
  await generateRefused({ noExpire: 'true' }, 'noExpire', { message: /boolean/ });
  await generateRefused({ noExpire: 1, expireTime: inFuture(3600) }, 'noExpire');
  await generateRefused({ noExpire: true, no_expire: true }, 'noExpire', { message: /twice/ });
});

test('path must not carry a query (no `?`) and must be a string', async () => {
  await generateRefused({ noExpire: true, path: 'pages/index?id=1' }, 'path', { message: /query/ });
  await generateRefused({ noExpire: true, path: 5 }, 'path');
  assert.equal((await generated({ noExpire: true, path: 'pages/index' })).path, 'pages/index');
});

test('query: 1024 characters pass, 1025 are refused (as text and as an object)', async () => {
  const atBound = queryOf(1024);
  assert.equal(atBound.length, 1024);
  assert.equal((await generated({ noExpire: true, query: atBound })).query, atBound);
  assert.equal((await generated({ noExpire: true, query: { a: 'x'.repeat(1016) } })).query.length, 1024);
  await generateRefused({ noExpire: true, query: queryOf(1025) }, 'query', { message: /1025 characters/ });
  await generateRefused({ noExpire: true, query: { a: 'x'.repeat(1017) } }, 'query');
});

test('query: the text of a JSON object, in the documented charset, a string or a plain object', async () => {
  for (const query of ['id=1', '[1]', '"x"', '{"a":"b c"}', '{"a":"你"}', '{"a":"<"}']) await generateRefused({ noExpire: true, query }, 'query');
  for (const query of [5, true, ['a'], new Date()]) await generateRefused({ noExpire: true, query }, 'query');
});

test('unknown keys are refused by name: a schema has no host app, and the app comes from the client', async () => {
  await generateRefused({ noExpire: true, appName: 'douyin' }, 'appName');
  await generateRefused({ noExpire: true, app_id: 'tt2' }, 'app_id');
  await generateRefused({ noExpires: true }, 'noExpires', { message: /did you mean `noExpire`/ });
  await refused((dy) => dy.schema.generate('noExpire'), 'request');
});

test('query() needs schema (a non-empty string); queryQuota() takes no keys', async () => {
  const onQuery = { api: 'douyin.v2.schema.query' };
  await refused((dy) => dy.schema.query({}), 'schema', { ...onQuery, message: /required/ });
  await refused((dy) => dy.schema.query(), 'schema', onQuery);
  await refused((dy) => dy.schema.query({ schema: '' }), 'schema', onQuery);
  await refused((dy) => dy.schema.query({ schema: 5 }), 'schema', onQuery);
  await refused((dy) => dy.schema.query({ schema: 's', appId: 'x' }), 'appId', onQuery);
  await refused((dy) => dy.schema.queryQuota({ appId: 'x' }), 'appId', { api: 'douyin.v2.schema.queryQuota' });
});

// ---------------------------------------------------------------- the emulator's own checks

/** POSTs `body` to the emulator's `path` with the `access-token` header, as the platform would get it. */
function post(emu, path, token, body) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${emu.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'access-token': token } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve(JSON.parse(data)));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

test('the emulator refuses what the platform refuses (28005001), at and past each bound', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const { accessToken } = await v2().getAccessToken();
  const send = (body) => post(ctx.emu, GENERATE, accessToken, { app_id: appid, ...body });
  await atFrozenClock(async (now) => {
    assert.equal((await send({ no_expire: false, expire_time: now + MAX_LEAD })).err_no, 0);
    assert.equal((await send({ no_expire: false, expire_time: now + MAX_LEAD + 1 })).err_no, 28005001);
    assert.equal((await send({ no_expire: false, expire_time: now })).err_no, 28005001);
    assert.equal((await send({ no_expire: false })).err_no, 28005001, 'expire_time is required for a short-term schema');
    assert.equal((await send({ no_expire: true })).err_no, 0);
    assert.equal((await send({ no_expire: true, path: 'pages/a?b=1' })).err_no, 28005001);
    assert.equal((await send({ no_expire: true, query: queryOf(1024) })).err_no, 0);
    assert.equal((await send({ no_expire: true, query: queryOf(1025) })).err_no, 28005001);
    assert.equal((await send({ no_expire: true, query: 'id=1' })).err_no, 28005001);
    assert.equal((await send({ no_expire: 'yes' })).err_no, 28005001);
    assert.equal((await post(ctx.emu, GENERATE, accessToken, { app_id: 'tt-other', no_expire: true })).err_no, 28005001);
  });
  assert.equal((await post(ctx.emu, QUERY, accessToken, { app_id: appid, schema: 5 })).err_no, 28005001);
  assert.equal((await post(ctx.emu, QUERY, accessToken, { app_id: appid, schema: 'sslocal://miniapp?ticket=nope' })).err_no, 28005002);
  assert.equal((await post(ctx.emu, QUOTA, accessToken, { app_id: appid, schema: 'x' })).err_no, 28005001, 'quota takes app_id only');
  assert.equal((await post(ctx.emu, QUOTA, 'clt.not-a-token', { app_id: appid })).err_no, 28001003);
  assert.deepEqual(ctx.emu.errors, []);
});

// ---------------------------------------------------------------- errcodes

const TOKEN_CODES = [
  // err_no, what the message must explain
  [10002, /parameter/],
  [10003, /does not exist/],
  [10013, /client_secret is wrong/],
  [10020, /more than 500 in 5 minutes/],
];

for (const [errNo, meaning] of TOKEN_CODES) {
  test(`client_token ${errNo}: API_ERROR on douyin.v2.getAccessToken, meaning explained, not retried, no schema request`, async () => {
    const dy = v2({ retries: 2 });
    ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: errNo, errmsg: `emulated ${errNo}` });
    const err = await expectError(dy.getAccessToken(), {
      code: 'API_ERROR',
      api: 'douyin.v2.getAccessToken',
      errcode: errNo,
      errmsg: `emulated ${errNo}`,
      retryable: false,
      class: 'auth',
      message: meaning,
    });
    assert.ok(err.message.includes(String(errNo)));
    assert.equal(count(TOKEN), 1);

    // A schema call needing that token fails on it, and sends no schema request.
    ctx.emu.clear();
    ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: errNo });
    await expectError(dy.schema.generate({ noExpire: true }), { code: 'API_ERROR', api: 'douyin.v2.getAccessToken', errcode: errNo, retryable: false });
    assert.equal(count(TOKEN), 1);
    assert.equal(count(GENERATE), 0);
  });
}

test('10020 for real: the 501st client_token call within 5 minutes is refused, and a schema call fails on it', async () => {
  const dy = v2();
  for (let i = 0; i < 500; i++) await dy.getAccessToken({ forceRefresh: true });
  await expectError(dy.getAccessToken({ forceRefresh: true }), { code: 'API_ERROR', api: 'douyin.v2.getAccessToken', errcode: 10020, retryable: false });
  const fresh = v2({ retries: 2 });
  ctx.emu.clear();
  await expectError(fresh.schema.generate({ noExpire: true }), { code: 'API_ERROR', errcode: 10020, class: 'auth' });
  assert.equal(count(TOKEN), 1, 'not retried');
  assert.equal(count(GENERATE), 0);
});

test('10013 for real: client_token refuses a wrong secret; the schema call fails on it and sends nothing', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const wrongSecret = new DouyinClient({ appid, secret: 'wrong-secret-0000000000000000000000000', api: 'v2', baseUrl: ctx.emu.url });
  await expectError(wrongSecret.schema.generate({ noExpire: true }), { code: 'API_ERROR', errcode: 10013, message: /client_secret is wrong/ });
  assert.equal(count(GENERATE), 0);
});

test('28005002: query of an unknown schema is API_ERROR with logId, meaning explained, not retried', async () => {
  const dy = await warmed({ retries: 2 });
  const err = await expectError(dy.schema.query({ schema: 'sslocal://miniapp?ticket=nope' }), {
    code: 'API_ERROR',
    api: 'douyin.v2.schema.query',
    errcode: 28005002,
    status: 200,
    retryable: false,
    message: /internal error/,
  });
  assert.match(err.logId, LOG_ID);
  assert.equal(count(QUERY), 1);

  ctx.emu.inject({ route: GENERATE, kind: 'errcode', errcode: 28005002 });
  await expectError(dy.schema.generate({ noExpire: true }), { errcode: 28005002, api: 'douyin.v2.schema.generate', retryable: false });
  assert.equal(count(GENERATE), 1);
  ctx.emu.inject({ route: QUOTA, kind: 'errcode', errcode: 28005002 });
  await expectError(dy.schema.queryQuota(), { errcode: 28005002, api: 'douyin.v2.schema.queryQuota', retryable: false });
  assert.equal(count(QUOTA), 1);
});

test('the v2 codes the schema routes share: 28003018 retried, 28003017 (quota) and 28005001 not', async () => {
  const dy = await warmed({ retries: 2 });
  ctx.emu.inject({ route: GENERATE, kind: 'errcode', errcode: 28003018 });
  assert.match((await dy.schema.generate({ noExpire: true })).schema, SCHEMA_RE);
  assert.equal(count(GENERATE), 2);
  for (const errNo of [28003017, 28005001]) {
    ctx.emu.clear();
    ctx.emu.inject({ route: GENERATE, kind: 'errcode', errcode: errNo });
    await expectError(dy.schema.generate({ noExpire: true }), { errcode: errNo, retryable: false });
    assert.equal(count(GENERATE), 1);
  }
});

test('the emulator\'s daily quota used up (dailyQuota 0): 28003017, one request, class quota', async () => {
  await withEmulator(
    async (emu) => {
      emulators.add(emu);
      const { appid, secret } = emu.credentials.douyin;
      const dy = new DouyinClient({ appid, secret, api: 'v2', baseUrl: emu.url, retries: 3 });
      const err = collect(
        await rejectsWithLinkError(dy.schema.generate({ expireTime: inFuture(3600) }), {
          code: 'API_ERROR',
          errcode: 28003017,
          retryable: false,
          class: 'quota',
          api: 'douyin.v2.schema.generate',
        }),
      );
      assert.match(err.logId, LOG_ID);
      assert.equal(requestsTo(emu, GENERATE).length, 1);
    },
    { dailyQuota: 0 },
  );
});

test('errors that echo the token do not leak it', async () => {
  const dy = v2();
  const { accessToken } = await dy.getAccessToken();
  for (const [route, call] of [
    [GENERATE, () => dy.schema.generate({ noExpire: true })],
    [QUERY, () => dy.schema.query({ schema: 'sslocal://miniapp?ticket=x' })],
    [QUOTA, () => dy.schema.queryQuota()],
  ]) {
    ctx.emu.inject({ route, kind: 'errcode', errcode: 28001007, echoToken: true });
    assertNoSecrets(await expectError(call(), { code: 'API_ERROR', errcode: 28001007 }), [accessToken]);
  }
  ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: 10013, echoToken: true });
  const err = await expectError(dy.getAccessToken({ forceRefresh: true }), { errcode: 10013 });
  assertNoSecrets(err, [ctx.emu.credentials.douyin.secret]);
});

test('no error collected in this file carries the secret or an issued token', () => {
  assertClean({ atLeast: 40, secrets: [ctx.emu.credentials.douyin.secret] });
});
