// Douyin failures: every documented err_no mapped to a LinkError (code, errcode,
// errmsg, meaning, retryable), what is retried and what is not, the token
// route's errors, transport faults (5xx, cut-short and empty bodies, timeouts,
// resets) on both API generations, and no secret in any error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DouyinClient,
  useEmulator,
  withEmulator,
  douyinClient,
  rejectsWithLinkError,
  assertNoSecrets,
  requestsTo,
  inFuture,
  errorLog,
} from './helpers.mjs';

const ctx = useEmulator();
// Every LinkError the file saw; the last test checks none leaks a secret.
const { collect, emulators, assertClean } = errorLog(ctx);

const V1_TOKEN = '/api/apps/v2/token';
const V1_LINK = '/api/apps/url_link/generate';
const V2_TOKEN = '/oauth/client_token/';
const V2_LINK = '/api/apps/v1/url_link/generate/';
const V2_INFO = '/api/apps/v1/url_link/query_info/';
const V2_QUOTA = '/api/apps/v1/url_link/query_quota/';
const LOG_ID = /^[0-9]{14}[0-9A-F]{18}$/;

const v1 = (extra) => douyinClient(ctx.emu, { retries: 0, ...extra });
const v2 = (extra) => douyinClient(ctx.emu, { api: 'v2', retries: 0, ...extra });
const generate = (dy) => dy.urlLink.generate({ expireTime: inFuture(3600) });
const count = (path) => requestsTo(ctx.emu, path).length;

async function expectError(promise, expected) {
  const err = await rejectsWithLinkError(promise, { platform: 'douyin', ...expected });
  collect(err);
  return err;
}

/** A client whose token is already cached, so that a test counts link requests only. */
async function warmed(make) {
  const dy = make();
  await dy.getAccessToken();
  ctx.emu.clear();
  return dy;
}

// ---------------------------------------------------------------- v1 err_no

const V1_CODES = [
  // err_no, retryable, what the message must explain
  [1, false, /a parameter is wrong/],
  [2, false, /banned/],
  [-1, true, /internal error/],
  [12018, false, /could not parse/],
  [12019, false, /out of range|180 days/],
  [12020, true, /too many/],
  [12021, false, /quota/],
  [12022, false, /failed to generate/],
];

for (const [errNo, retryable, meaning] of V1_CODES) {
  test(`v1 err_no ${errNo}: API_ERROR, retryable ${retryable}, errcode/errmsg/status kept, meaning explained`, async () => {
    const dy = await warmed(() => v1());
    ctx.emu.inject({ route: V1_LINK, kind: 'errcode', errcode: errNo, errmsg: `emulated ${errNo}` });
    const err = await expectError(generate(dy), {
      code: 'API_ERROR',
      api: 'douyin.urlLink.generate',
      errcode: errNo,
      errmsg: `emulated ${errNo}`,
      status: 200,
      retryable,
      message: meaning,
    });
    assert.ok(err.message.includes(`emulated ${errNo}`), 'the platform text is in the message');
    assert.ok(err.message.includes(String(errNo)));
    assert.equal(err.field, undefined);
    assert.equal(err.logId, undefined, 'v1 has no log id');
    assert.equal(count(V1_LINK), 1);
  });
}

test('v1: the platform\'s own err_tips text lands in errmsg (default texts of 004)', async () => {
  const dy = await warmed(() => v1());
  ctx.emu.inject({ route: V1_LINK, kind: 'errcode', errcode: 12020 });
  await expectError(generate(dy), { errcode: 12020, errmsg: '生成URL_Link频率过快' });
});

for (const errNo of [1, 2, 12018, 12019, 12021, 12022]) {
  test(`v1 err_no ${errNo} is not retried (retries: 2 → exactly one request)`, async () => {
    const dy = await warmed(() => v1({ retries: 2 }));
    ctx.emu.inject({ route: V1_LINK, kind: 'errcode', errcode: errNo });
    await expectError(generate(dy), { code: 'API_ERROR', errcode: errNo, retryable: false });
    assert.equal(count(V1_LINK), 1);
    assert.equal(count(V1_TOKEN), 0);
  });
}

for (const errNo of [-1, 12020]) {
  test(`v1 err_no ${errNo} is retried: once failing then success resolves after 2 requests`, async () => {
    const dy = await warmed(() => v1({ retries: 2 }));
    ctx.emu.inject({ route: V1_LINK, kind: 'errcode', errcode: errNo });
    const { urlLink } = await generate(dy);
    assert.match(urlLink, /^https:\/\/z\.douyin\.com\//);
    assert.equal(count(V1_LINK), 2);
    assert.equal(count(V1_TOKEN), 0, 'a transient error keeps the token');
  });

  test(`v1 err_no ${errNo} every time: retries + 1 requests, then it rejects as retryable`, async () => {
    const dy = await warmed(() => v1({ retries: 2 }));
    ctx.emu.inject({ route: V1_LINK, kind: 'errcode', errcode: errNo, times: 3 });
    await expectError(generate(dy), { code: 'API_ERROR', errcode: errNo, retryable: true });
    assert.equal(count(V1_LINK), 3);
  });
}

test('v1 retries: 0 sends a retryable failure back at once', async () => {
  const dy = await warmed(() => v1({ retries: 0 }));
  ctx.emu.inject({ route: V1_LINK, kind: 'errcode', errcode: -1 });
  await expectError(generate(dy), { errcode: -1, retryable: true });
  assert.equal(count(V1_LINK), 1);
});

test('v1 quota used up for real (emulator dailyQuota 0): 12021, one request, not retried', async () => {
  await withEmulator(async (emu) => {
    emulators.add(emu);
    const { appid, secret } = emu.credentials.douyin;
    const dy = new DouyinClient({ appid, secret, baseUrl: emu.url, retries: 3 });
    await expectError(generate(dy), { code: 'API_ERROR', errcode: 12021, retryable: false, message: /quota/ });
    assert.equal(requestsTo(emu, V1_LINK).length, 1);
    const dy2 = new DouyinClient({ appid, secret, baseUrl: emu.url, retries: 3, api: 'v2' });
    const err = await expectError(generate(dy2), { code: 'API_ERROR', errcode: 28003017, retryable: false, api: 'douyin.v2.urlLink.generate' });
    assert.match(err.logId, LOG_ID);
    assert.equal(requestsTo(emu, V2_LINK).length, 1);
  }, { dailyQuota: 0 });
});

test('v1 rate limit for real (emulator rateLimits): 12020 is retryable', async () => {
  const frozen = Date.now();
  await withEmulator(async (emu) => {
    emulators.add(emu);
    const { appid, secret } = emu.credentials.douyin;
    const dy = new DouyinClient({ appid, secret, baseUrl: emu.url, retries: 0 });
    // 100 per second, and the emulator's clock stands still: the 101st is refused.
    const outcomes = await Promise.allSettled(Array.from({ length: 101 }, () => generate(dy)));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason);
    assert.equal(refused.length, 1);
    for (const err of refused) collect(err);
    assert.equal(refused[0].errcode, 12020);
    assert.equal(refused[0].retryable, true);
  }, { rateLimits: true, now: () => frozen });
});

// ---------------------------------------------------------------- v1 token route

for (const [errNo, meaning] of [[40015, /appid is wrong/], [40017, /secret is wrong/], [40020, /grant_type/]]) {
  test(`v1 token err_no ${errNo}: getAccessToken rejects with API_ERROR on douyin.getAccessToken`, async () => {
    const dy = v1({ retries: 2 });
    ctx.emu.inject({ route: V1_TOKEN, kind: 'errcode', errcode: errNo });
    await expectError(dy.getAccessToken(), {
      code: 'API_ERROR',
      api: 'douyin.getAccessToken',
      errcode: errNo,
      retryable: false,
      status: 200,
      message: meaning,
    });
    assert.equal(count(V1_TOKEN), 1);
  });
}

test('v1 wrong secret (for real): getAccessToken → API_ERROR 40017 on douyin.getAccessToken', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = new DouyinClient({ appid, secret: 'wrong-secret-0000000000000000000000000', baseUrl: ctx.emu.url, retries: 2 });
  const err = await expectError(dy.getAccessToken(), {
    code: 'API_ERROR',
    api: 'douyin.getAccessToken',
    errcode: 40017,
    errmsg: 'bad secret',
    retryable: false,
    message: /secret is wrong/,
  });
  assertNoSecrets(err, ['wrong-secret-0000000000000000000000000']);
  assert.equal(count(V1_TOKEN), 1);
});

test('v1 wrong secret: urlLink.generate rejects with 40017 and sends no link request', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = new DouyinClient({ appid, secret: 'wrong-secret-0000000000000000000000000', baseUrl: ctx.emu.url, retries: 2 });
  await expectError(generate(dy), { code: 'API_ERROR', errcode: 40017, retryable: false, message: /secret is wrong/ });
  assert.equal(count(V1_TOKEN), 1);
  assert.equal(count(V1_LINK), 0);
});

test('v1 wrong secret: the link call\'s error names the API that failed (douyin.getAccessToken)', async () => {
  // CONTRACT: `api` says which platform API answered. Here the token request
  // failed and no link request was sent.
  const { appid } = ctx.emu.credentials.douyin;
  const dy = new DouyinClient({ appid, secret: 'wrong-secret-0000000000000000000000000', baseUrl: ctx.emu.url });
  await expectError(generate(dy), { code: 'API_ERROR', errcode: 40017, api: 'douyin.getAccessToken' });
});

test('v1 wrong appid (for real): 40015', async () => {
  const { secret } = ctx.emu.credentials.douyin;
  const dy = new DouyinClient({ appid: 'ttwrongappid0001', secret, baseUrl: ctx.emu.url });
  await expectError(dy.getAccessToken(), { code: 'API_ERROR', errcode: 40015, api: 'douyin.getAccessToken' });
});

test('v1 token err_no -1 is retried; the link call then goes through', async () => {
  const dy = v1({ retries: 2 });
  ctx.emu.inject({ route: V1_TOKEN, kind: 'errcode', errcode: -1 });
  await generate(dy);
  assert.equal(count(V1_TOKEN), 2);
  assert.equal(count(V1_LINK), 1);
});

// ---------------------------------------------------------------- v2 err_no

const V2_CODES = [
  [28001005, true, /busy/],
  [28001006, true, /network/],
  [28001007, false, /parameter/],
  [28001016, false, /banned|offline/],
  [28001018, false, /capability/],
  [28003017, false, /quota/],
  [28003018, true, /too many/],
  [28005001, false, /parse/],
  [28005015, false, /permission/],
];

for (const [errNo, retryable, meaning] of V2_CODES) {
  test(`v2 err_no ${errNo}: API_ERROR with logId, retryable ${retryable}${retryable ? '' : ', one request with retries: 2'}`, async () => {
    const dy = await warmed(() => v2({ retries: retryable ? 0 : 2 }));
    ctx.emu.inject({ route: V2_LINK, kind: 'errcode', errcode: errNo, errmsg: `emulated ${errNo}` });
    const err = await expectError(generate(dy), {
      code: 'API_ERROR',
      api: 'douyin.v2.urlLink.generate',
      errcode: errNo,
      errmsg: `emulated ${errNo}`,
      status: 200,
      retryable,
      message: meaning,
    });
    assert.match(err.logId, LOG_ID);
    assert.equal(count(V2_LINK), 1);
  });
}

test('v2 28003018 (rate limit) is retried; 28003017 (quota) is not', async () => {
  const dy = await warmed(() => v2({ retries: 2 }));
  ctx.emu.inject({ route: V2_LINK, kind: 'errcode', errcode: 28003018, times: 2 });
  const { urlLink, logId } = await generate(dy);
  assert.match(urlLink, /^https:\/\/z\.douyin\.com\//);
  assert.match(logId, LOG_ID);
  assert.equal(count(V2_LINK), 3);

  ctx.emu.clear();
  ctx.emu.inject({ route: V2_LINK, kind: 'errcode', errcode: 28003017 });
  await expectError(generate(dy), { errcode: 28003017, retryable: false });
  assert.equal(count(V2_LINK), 1);
});

test('v2 queryInfo of an unknown link: API_ERROR with the platform code and logId', async () => {
  const dy = v2();
  const err = await expectError(dy.urlLink.queryInfo({ urlLink: 'https://z.douyin.com/nope' }), {
    code: 'API_ERROR',
    api: 'douyin.v2.urlLink.queryInfo',
    errcode: 28005002,
    retryable: false,
  });
  assert.match(err.logId, LOG_ID);
});

test('v2 queryQuota errors keep api and logId', async () => {
  const dy = await warmed(() => v2());
  ctx.emu.inject({ route: V2_QUOTA, kind: 'errcode', errcode: 28001016 });
  const err = await expectError(dy.urlLink.queryQuota(), { code: 'API_ERROR', api: 'douyin.v2.urlLink.queryQuota', errcode: 28001016 });
  assert.match(err.logId, LOG_ID);
});

test('v2 token error (injected 10013): API_ERROR on douyin.v2.getAccessToken', async () => {
  const dy = v2({ retries: 2 });
  ctx.emu.inject({ route: V2_TOKEN, kind: 'errcode', errcode: 10013 });
  await expectError(dy.getAccessToken(), { code: 'API_ERROR', api: 'douyin.v2.getAccessToken', errcode: 10013, retryable: false });
  assert.equal(count(V2_TOKEN), 1);
});

test('v2 wrong secret (for real): client_token refuses it; no link request', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = new DouyinClient({ appid, secret: 'wrong-secret-0000000000000000000000000', api: 'v2', baseUrl: ctx.emu.url });
  await expectError(dy.getAccessToken(), { code: 'API_ERROR', api: 'douyin.v2.getAccessToken', errcode: 10013 });
  await expectError(generate(dy), { code: 'API_ERROR', errcode: 10013 });
  assert.equal(count(V2_LINK), 0);
});

// ---------------------------------------------------------------- faults

for (const [gen, make, route, api] of [
  ['v1', v1, V1_LINK, 'douyin.urlLink.generate'],
  ['v2', v2, V2_LINK, 'douyin.v2.urlLink.generate'],
]) {
  test(`${gen} HTTP 500 with an HTML body: HTTP_ERROR status 500, retryable, retried`, async () => {
    const dy = await warmed(() => make({ retries: 1 }));
    ctx.emu.inject({ route, kind: 'http500', times: 2 });
    const err = await expectError(generate(dy), { code: 'HTTP_ERROR', api, status: 500, retryable: true });
    assert.equal(err.errcode, undefined);
    assert.equal(count(route), 2);
    ctx.emu.clear();
    ctx.emu.inject({ route, kind: 'http500', status: 502 });
    assert.match((await generate(dy)).urlLink, /^https:\/\/z\.douyin\.com\//);
    assert.equal(count(route), 2);
  });

  test(`${gen} HTTP 404: HTTP_ERROR, not retryable, one request`, async () => {
    const dy = await warmed(() => make({ retries: 2 }));
    ctx.emu.inject({ route, kind: 'http500', status: 404 });
    await expectError(generate(dy), { code: 'HTTP_ERROR', api, status: 404, retryable: false });
    assert.equal(count(route), 1);
  });

  test(`${gen} truncated JSON body: HTTP_ERROR status 200, not retried`, async () => {
    const dy = await warmed(() => make({ retries: 2 }));
    ctx.emu.inject({ route, kind: 'truncated' });
    await expectError(generate(dy), { code: 'HTTP_ERROR', api, status: 200, retryable: false });
    assert.equal(count(route), 1);
  });

  test(`${gen} empty body: HTTP_ERROR status 200`, async () => {
    const dy = await warmed(() => make());
    ctx.emu.inject({ route, kind: 'empty' });
    await expectError(generate(dy), { code: 'HTTP_ERROR', api, status: 200, retryable: false, message: /empty/ });
  });

  test(`${gen} success without a link, or not an object: HTTP_ERROR`, async () => {
    const dy = await warmed(() => make());
    const noLink = gen === 'v1' ? { err_no: 0, err_tips: '', url_link: '' } : { err_no: 0, err_msg: '', log_id: 'L', data: {} };
    for (const body of [noLink, [], 'null', '"ok"', '<html>ok</html>']) {
      ctx.emu.inject({ route, kind: 'raw', body });
      await expectError(generate(dy), { code: 'HTTP_ERROR', api, status: 200 });
    }
  });

  test(`${gen} no answer within timeoutMs: TIMEOUT, retryable, the attempt aborted`, async () => {
    const dy = await warmed(() => make({ timeoutMs: 50, retries: 0 }));
    ctx.emu.inject({ route, kind: 'delay', ms: 5000 });
    const err = await expectError(generate(dy), { code: 'TIMEOUT', api, retryable: true, message: /50 ms/ });
    assert.equal(err.status, undefined);
    assert.equal(count(route), 1);
  });

  test(`${gen} a timeout is retried like any transient failure`, async () => {
    // Room for the second attempt to answer on a slow machine.
    const dy = await warmed(() => make({ timeoutMs: 500, retries: 1 }));
    ctx.emu.inject({ route, kind: 'delay', ms: 10000 });
    assert.match((await generate(dy)).urlLink, /^https:\/\/z\.douyin\.com\//);
    assert.equal(count(route), 2);
  });

  test(`${gen} connection reset on every attempt: retried per retries, then NETWORK_ERROR, retryable`, async () => {
    const dy = await warmed(() => make({ retries: 1 }));
    ctx.emu.inject({ route, kind: 'reset', times: 2 });
    const err = await expectError(generate(dy), { code: 'NETWORK_ERROR', api, retryable: true });
    assert.equal(err.status, undefined);
    assert.equal(count(route), 2);
  });

  test(`${gen} connection reset after the platform got the request: NETWORK_ERROR with retries: 0, exactly one request`, async () => {
    // The request reached the platform (the emulator recorded it) before the
    // reset; a resend may create a second link and ignores `retries: 0`.
    const dy = await warmed(() => make({ retries: 0 }));
    ctx.emu.inject({ route, kind: 'reset' });
    let outcome;
    try {
      outcome = await generate(dy);
    } catch (err) {
      outcome = err;
      collect(err);
    }
    const seen = count(route);
    assert.equal(seen, 1, `retries: 0, yet the platform received ${seen} link requests`);
    assert.equal(outcome && outcome.code, 'NETWORK_ERROR');
  });

  test(`${gen} connection reset with a caller-supplied fetch: NETWORK_ERROR, retried per retries`, async (t) => {
    if (typeof globalThis.fetch !== 'function') return t.skip('no global fetch on this Node');
    const dy = await warmed(() => make({ retries: 1, fetch: globalThis.fetch }));
    ctx.emu.inject({ route, kind: 'reset', times: 2 });
    await expectError(generate(dy), { code: 'NETWORK_ERROR', api, retryable: true });
    assert.equal(count(route), 2);
  });
}

test('v1 token route faults: HTTP 500 retried, truncated body → HTTP_ERROR on douyin.getAccessToken', async () => {
  const dy = v1({ retries: 1 });
  ctx.emu.inject({ route: V1_TOKEN, kind: 'http500' });
  await dy.getAccessToken();
  assert.equal(count(V1_TOKEN), 2);

  const other = v1({ retries: 2 });
  ctx.emu.inject({ route: V1_TOKEN, kind: 'raw', body: '{"err_no":0,"err_tips":"success","data":{"access_tok' });
  await expectError(other.getAccessToken(), { code: 'HTTP_ERROR', api: 'douyin.getAccessToken', status: 200, retryable: false });
  ctx.emu.inject({ route: V1_TOKEN, kind: 'raw', body: { err_no: 0, err_tips: 'success', data: {} } });
  await expectError(other.getAccessToken(), { code: 'HTTP_ERROR', api: 'douyin.getAccessToken' });
});

test('v2 token route: timeout → TIMEOUT on douyin.v2.getAccessToken', async () => {
  const dy = v2({ timeoutMs: 50 });
  ctx.emu.inject({ route: V2_TOKEN, kind: 'delay', ms: 5000 });
  await expectError(dy.getAccessToken(), { code: 'TIMEOUT', api: 'douyin.v2.getAccessToken', retryable: true });
});

test('a fetch that throws synchronously or resolves to junk: NETWORK_ERROR', async () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  const throwing = new DouyinClient({ appid, secret, baseUrl: ctx.emu.url, retries: 0, fetch: () => { throw new Error('no network here'); } });
  await expectError(throwing.getAccessToken(), { code: 'NETWORK_ERROR', api: 'douyin.getAccessToken', message: /no network here/ });
  const junk = new DouyinClient({ appid, secret, baseUrl: ctx.emu.url, retries: 0, fetch: async () => ({}) });
  await expectError(junk.getAccessToken(), { code: 'NETWORK_ERROR' });
});

// ---------------------------------------------------------------- secrets

for (const [gen, make, tokenRoute, linkRoute] of [
  ['v1', v1, V1_TOKEN, V1_LINK],
  ['v2', v2, V2_TOKEN, V2_LINK],
]) {
  test(`${gen} an error that quotes the credential back (echoToken) does not leak it`, async () => {
    const { secret } = ctx.emu.credentials.douyin;
    const dy = make();
    ctx.emu.inject({ route: tokenRoute, kind: 'errcode', errcode: gen === 'v1' ? 40017 : 10013, echoToken: true });
    const tokenErr = await expectError(dy.getAccessToken(), { code: 'API_ERROR' });
    assertNoSecrets(tokenErr, [secret]);

    const { accessToken } = await dy.getAccessToken();
    ctx.emu.inject({ route: linkRoute, kind: 'errcode', errcode: gen === 'v1' ? 1 : 28001007, echoToken: true });
    const linkErr = await expectError(generate(dy), { code: 'API_ERROR' });
    assert.ok(!linkErr.errmsg.includes(accessToken));
    assertNoSecrets(linkErr, [secret, accessToken, ...ctx.emu.issuedTokens]);
  });

  test(`${gen} a given accessToken quoted back in an error is hidden too`, async () => {
    const { appid } = ctx.emu.credentials.douyin;
    const { accessToken } = await make().getAccessToken();
    for (const given of [accessToken, () => accessToken]) {
      const dy = new DouyinClient({ appid, accessToken: given, api: gen, baseUrl: ctx.emu.url, retries: 0 });
      ctx.emu.inject({ route: linkRoute, kind: 'errcode', errcode: gen === 'v1' ? 2 : 28001016, echoToken: true });
      const err = await expectError(generate(dy), { code: 'API_ERROR' });
      assertNoSecrets(err, [accessToken]);
    }
  });
}

test('v2 queryInfo and queryQuota errors that echo the token do not leak it', async () => {
  const dy = v2();
  const { accessToken } = await dy.getAccessToken();
  ctx.emu.inject({ route: V2_INFO, kind: 'errcode', errcode: 28001007, echoToken: true });
  assertNoSecrets(await expectError(dy.urlLink.queryInfo({ urlLink: 'https://z.douyin.com/x' }), { code: 'API_ERROR' }), [accessToken]);
  ctx.emu.inject({ route: V2_QUOTA, kind: 'errcode', errcode: 28001007, echoToken: true });
  assertNoSecrets(await expectError(dy.urlLink.queryQuota(), { code: 'API_ERROR' }), [accessToken]);
});

test('no error collected in this file carries the secret or an issued token', () => {
  assertClean({ atLeast: 40, secrets: [ctx.emu.credentials.douyin.secret] });
});
