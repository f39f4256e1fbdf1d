// WeChat, faults: each emulator fault kind ends in the right LinkError code,
// retryable flag, status and errcode, with exactly as many attempts as the
// contract allows (transient: up to `retries` more; anything else: none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useFreshEmulator,
  wechatClient,
  WeChatClient,
  rejectsWithLinkError,
  assertLinkError,
  requestsTo,
  closedPort,
} from './helpers.mjs';

const ctx = useFreshEmulator();

const SCHEME = '/wxa/generatescheme';
const URLLINK = '/wxa/generate_urllink';
const SHORTLINK = '/wxa/genwxashortlink';
const TOKEN = '/cgi-bin/token';

const scheme = (wx) => wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
const urllink = (wx) => wx.urllink.generate({ path: 'pages/a' });
const shortlink = (wx) => wx.shortlink.generate({ pageUrl: 'pages/a' });

/** A client with its token already fetched, so that only link requests follow. */
async function warmClient(extra) {
  const wx = wechatClient(ctx.emu, extra);
  await wx.getAccessToken();
  ctx.emu.clear();
  return wx;
}

function count(path) {
  return requestsTo(ctx.emu, path).length;
}

// ---- errcode answers ----

test('errcode -1 (system busy) is retried: one -1 then success resolves after 2 link requests', async () => {
  const wx = wechatClient(ctx.emu, { retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: -1 });
  const { openlink } = await scheme(wx);
  assert.match(openlink, /^weixin:\/\//);
  assert.equal(count(SCHEME), 2);
  assert.equal(count(TOKEN), 1, 'a busy answer does not cost a token');
});

test('errcode -1 with retries: 0 rejects at once: API_ERROR, retryable, errcode and errmsg kept', async () => {
  const wx = await warmClient({ retries: 0 });
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: -1 });
  const err = await rejectsWithLinkError(scheme(wx), {
    code: 'API_ERROR',
    platform: 'wechat',
    api: 'urlscheme.generate',
    errcode: -1,
    errmsg: 'system error',
    status: 200,
    retryable: true,
  });
  assert.match(err.message, /busy/);
  assert.equal(err.field, undefined);
  assert.equal(count(SCHEME), 1);
});

test('retries never exceed `retries`: 5 queued -1 answers with retries: 2 → exactly 3 requests', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: URLLINK, kind: 'errcode', errcode: -1, times: 5 });
  await rejectsWithLinkError(urllink(wx), { code: 'API_ERROR', errcode: -1, retryable: true, api: 'urllink.generate' });
  assert.equal(count(URLLINK), 3);
});

test('retries: 1 means exactly 2 attempts; retries: 0 exactly 1', async () => {
  const one = await warmClient({ retries: 1 });
  ctx.emu.inject({ route: SHORTLINK, kind: 'errcode', errcode: -1, times: 5 });
  await rejectsWithLinkError(shortlink(one), { code: 'API_ERROR', errcode: -1 });
  assert.equal(count(SHORTLINK), 2);
  ctx.emu.clear();
  const none = wechatClient(ctx.emu, { retries: 0 });
  await rejectsWithLinkError(shortlink(none), { code: 'API_ERROR', errcode: -1 });
  assert.equal(count(SHORTLINK), 1);
});

test('44990 (rate limit) is retryable: retried once into success, or rejected as retryable', async () => {
  const wx = await warmClient({ retries: 1 });
  ctx.emu.inject({ route: URLLINK, kind: 'errcode', errcode: 44990 });
  assert.match((await urllink(wx)).urlLink, /^https:\/\//);
  assert.equal(count(URLLINK), 2);
  ctx.emu.clear();
  const noRetry = wechatClient(ctx.emu, { retries: 0 });
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: 44990 });
  await rejectsWithLinkError(scheme(noRetry), { code: 'API_ERROR', errcode: 44990, retryable: true, status: 200 });
  assert.equal(count(SCHEME), 1);
});

for (const [errcode, route, call, api] of [
  [45009, SCHEME, scheme, 'urlscheme.generate'],
  [44993, URLLINK, urllink, 'urllink.generate'],
  [85400, SCHEME, scheme, 'urlscheme.generate'],
  [45009, SHORTLINK, shortlink, 'shortlink.generate'],
]) {
  test(`${errcode} on ${api} (quota) is not retryable and not retried: exactly one request`, async () => {
    const wx = await warmClient({ retries: 2 });
    ctx.emu.inject({ route, kind: 'errcode', errcode, times: 3 });
    const err = await rejectsWithLinkError(call(wx), { code: 'API_ERROR', errcode, retryable: false, status: 200, api });
    assert.match(err.message, /limit/);
    assert.equal(count(route), 1);
    assert.equal(count(TOKEN), 0);
  });
}

test('85079: the message says the mini program is not published; not retried', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: URLLINK, kind: 'errcode', errcode: 85079, times: 3 });
  const err = await rejectsWithLinkError(urllink(wx), {
    code: 'API_ERROR',
    errcode: 85079,
    errmsg: 'miniprogram has no online release',
    retryable: false,
  });
  assert.match(err.message, /publish/);
  assert.equal(count(URLLINK), 1);
});

test('40002 on a link call: the message names personal-entity mini programs', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: 40002 });
  const err = await rejectsWithLinkError(scheme(wx), { code: 'API_ERROR', errcode: 40002, retryable: false });
  assert.match(err.message, /personal-entity/);
  assert.doesNotMatch(err.message, /client_credential/);
  assert.equal(count(SCHEME), 1);
});

test('40002 from the token endpoint means grant_type, not permissions', async () => {
  const wx = wechatClient(ctx.emu, { retries: 2 });
  ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: 40002 });
  const err = await rejectsWithLinkError(wx.getAccessToken(), {
    code: 'API_ERROR',
    errcode: 40002,
    api: 'auth.getAccessToken',
    retryable: false,
  });
  assert.match(err.message, /grant_type/);
  assert.equal(count(TOKEN), 1);
});

test('an undocumented errcode is an API_ERROR, not retryable, errmsg kept', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: SHORTLINK, kind: 'errcode', errcode: 12345, errmsg: 'something odd' });
  const err = await rejectsWithLinkError(shortlink(wx), {
    code: 'API_ERROR',
    errcode: 12345,
    errmsg: 'something odd',
    retryable: false,
    api: 'shortlink.generate',
  });
  assert.match(err.message, /12345/);
  assert.match(err.message, /something odd/);
  assert.equal(count(SHORTLINK), 1);
});

// ---- HTTP-level faults ----

test('HTTP 500 with an HTML page: HTTP_ERROR, status 500, retryable', async () => {
  const wx = await warmClient({ retries: 0 });
  ctx.emu.inject({ route: SCHEME, kind: 'http500' });
  const err = await rejectsWithLinkError(scheme(wx), {
    code: 'HTTP_ERROR',
    status: 500,
    retryable: true,
    platform: 'wechat',
    api: 'urlscheme.generate',
  });
  assert.equal(err.errcode, undefined);
  assert.match(err.message, /500/);
  assert.equal(count(SCHEME), 1);
});

test('HTTP 502 once, retries: 1 → resolves after 2 requests', async () => {
  const wx = await warmClient({ retries: 1 });
  ctx.emu.inject({ route: URLLINK, kind: 'http500', status: 502 });
  assert.match((await urllink(wx)).urlLink, /^https:\/\//);
  assert.equal(count(URLLINK), 2);
});

test('HTTP 503 five times with retries: 2 → exactly 3 requests, HTTP_ERROR 503', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: SHORTLINK, kind: 'http500', status: 503, times: 5 });
  await rejectsWithLinkError(shortlink(wx), { code: 'HTTP_ERROR', status: 503, retryable: true });
  assert.equal(count(SHORTLINK), 3);
});

test('HTTP 404 (not a transient status) is not retried', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'raw', status: 404, contentType: 'text/plain', body: 'not found', times: 3 });
  await rejectsWithLinkError(scheme(wx), { code: 'HTTP_ERROR', status: 404, retryable: false });
  assert.equal(count(SCHEME), 1);
});

test('truncated JSON: HTTP_ERROR, not retried (the link may have been made)', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'truncated', times: 3 });
  const err = await rejectsWithLinkError(scheme(wx), { code: 'HTTP_ERROR', status: 200, retryable: false });
  assert.equal(err.errcode, undefined);
  assert.equal(count(SCHEME), 1);
});

test('an empty body: HTTP_ERROR, not retried', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: URLLINK, kind: 'empty', times: 3 });
  const err = await rejectsWithLinkError(urllink(wx), { code: 'HTTP_ERROR', status: 200, retryable: false });
  assert.match(err.message, /empty/);
  assert.equal(count(URLLINK), 1);
});

test('a success answer without the result field: HTTP_ERROR, not retried', async () => {
  const wx = await warmClient({ retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'raw', body: { errcode: 0, errmsg: 'ok' } });
  const err = await rejectsWithLinkError(scheme(wx), { code: 'HTTP_ERROR', status: 200, retryable: false });
  assert.match(err.message, /openlink/);
  assert.equal(count(SCHEME), 1);
});

test('a JSON body that is not an object: HTTP_ERROR', async () => {
  const wx = await warmClient({ retries: 0 });
  ctx.emu.inject({ route: URLLINK, kind: 'raw', body: '["ok"]' });
  await rejectsWithLinkError(urllink(wx), { code: 'HTTP_ERROR', status: 200, retryable: false });
});

test('errcode -1 with HTTP 503: API_ERROR with status 503, retryable', async () => {
  const wx = await warmClient({ retries: 0 });
  ctx.emu.inject({ route: SCHEME, kind: 'raw', status: 503, body: { errcode: -1, errmsg: 'system error' } });
  await rejectsWithLinkError(scheme(wx), { code: 'API_ERROR', errcode: -1, status: 503, retryable: true });
});

// ---- timeouts and network errors ----

test('an answer slower than timeoutMs: TIMEOUT, retryable; with retries: 0 exactly one request', async () => {
  const wx = await warmClient({ retries: 0, timeoutMs: 100 });
  ctx.emu.inject({ route: SCHEME, kind: 'delay', ms: 3000 });
  // Were the client to wait, the emulator would answer normally after 3 s and this would resolve.
  const err = await rejectsWithLinkError(scheme(wx), {
    code: 'TIMEOUT',
    retryable: true,
    platform: 'wechat',
    api: 'urlscheme.generate',
  });
  assert.equal(err.status, undefined);
  assert.match(err.message, /100 ms/);
  assert.equal(count(SCHEME), 1);
  assert.equal(ctx.emu.linkCount(), 0, 'no link was made for the abandoned request');
});

test('timeouts are retried up to `retries`, each attempt with its own timeoutMs', async () => {
  const wx = await warmClient({ retries: 1, timeoutMs: 100 });
  ctx.emu.inject({ route: URLLINK, kind: 'delay', ms: 3000, times: 2 });
  await rejectsWithLinkError(urllink(wx), { code: 'TIMEOUT', retryable: true });
  assert.equal(count(URLLINK), 2);
});

test('one slow answer then a fast one: retried into success', async () => {
  const wx = await warmClient({ retries: 1, timeoutMs: 150 });
  ctx.emu.inject({ route: SHORTLINK, kind: 'delay', ms: 3000 });
  assert.ok((await shortlink(wx)).link);
  assert.equal(count(SHORTLINK), 2);
});

test('an answer within timeoutMs is not a timeout', async () => {
  const wx = await warmClient({ retries: 0, timeoutMs: 2000 });
  ctx.emu.inject({ route: SCHEME, kind: 'delay', ms: 50 });
  assert.ok((await scheme(wx)).openlink);
});

test('a connection reset: NETWORK_ERROR, retryable; retries: 0 → one request', async () => {
  const wx = await warmClient({ retries: 0 });
  ctx.emu.inject({ route: URLLINK, kind: 'reset' });
  const outcome = await urllink(wx).then(
    (value) => ({ resolved: value }),
    (err) => err,
  );
  // The server got the whole request before it reset the connection: a second
  // attempt would be a second link, and retries: 0 asks for none.
  assert.equal(count(URLLINK), 1, 'link requests the emulator saw with retries: 0');
  assertLinkError(outcome, { code: 'NETWORK_ERROR', retryable: true, platform: 'wechat', api: 'urllink.generate' });
  assert.equal(outcome.status, undefined);
});

test('a connection reset through a caller-given fetch: NETWORK_ERROR, retryable, one request', { skip: typeof globalThis.fetch !== 'function' }, async () => {
  const wx = await warmClient({ retries: 0, fetch: (url, init) => globalThis.fetch(url, init) });
  ctx.emu.inject({ route: SCHEME, kind: 'reset' });
  await rejectsWithLinkError(scheme(wx), { code: 'NETWORK_ERROR', retryable: true, api: 'urlscheme.generate' });
  assert.equal(count(SCHEME), 1);
});

test('a reset then success with retries: 1 resolves after 2 requests', async () => {
  const wx = await warmClient({ retries: 1 });
  ctx.emu.inject({ route: SCHEME, kind: 'reset' });
  assert.ok((await scheme(wx)).openlink);
  assert.equal(count(SCHEME), 2);
});

test('connection refused (a closed port on 127.0.0.1): NETWORK_ERROR, retryable', async () => {
  const port = await closedPort();
  const wx = new WeChatClient({ accessToken: 'tok-closed-port', baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
  await rejectsWithLinkError(urllink(wx), { code: 'NETWORK_ERROR', retryable: true, api: 'urllink.generate' });
  const { appid, secret } = ctx.emu.credentials.wechat;
  const managed = new WeChatClient({ appid, secret, baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
  await rejectsWithLinkError(managed.getAccessToken(), { code: 'NETWORK_ERROR', retryable: true, api: 'auth.getAccessToken' });
});

test('a custom fetch that throws: NETWORK_ERROR, retried like any network error', async () => {
  let calls = 0;
  const fetch = async () => {
    calls++;
    throw new TypeError('fetch failed');
  };
  const wx = new WeChatClient({ accessToken: 'tok-throwing-fetch', baseUrl: ctx.emu.url, fetch, retries: 2 });
  const err = await rejectsWithLinkError(scheme(wx), { code: 'NETWORK_ERROR', retryable: true });
  assert.match(err.message, /fetch failed/);
  assert.equal(calls, 3);
});

test('a custom fetch that resolves to something that is not a Response: NETWORK_ERROR', async () => {
  const wx = new WeChatClient({ accessToken: 'tok-bad-response', baseUrl: ctx.emu.url, fetch: async () => ({}), retries: 0 });
  await rejectsWithLinkError(scheme(wx), { code: 'NETWORK_ERROR' });
});

// ---- faults on the token endpoint during a link call ----

test('HTTP 500 from the token endpoint is retried, then the link call goes on', async () => {
  const wx = wechatClient(ctx.emu, { retries: 1 });
  ctx.emu.inject({ route: TOKEN, kind: 'http500' });
  assert.ok((await scheme(wx)).openlink);
  assert.equal(count(TOKEN), 2);
  assert.equal(count(SCHEME), 1);
});

test('a token endpoint that stays down: the link call rejects retryable, no link request', async () => {
  const wx = wechatClient(ctx.emu, { retries: 1 });
  ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: -1, times: 2 });
  await rejectsWithLinkError(scheme(wx), { code: 'API_ERROR', errcode: -1, retryable: true });
  assert.equal(count(TOKEN), 2);
  assert.equal(count(SCHEME), 0);
});

test('a truncated token answer is an HTTP_ERROR of auth.getAccessToken', async () => {
  const wx = wechatClient(ctx.emu, { retries: 2 });
  ctx.emu.inject({ route: TOKEN, kind: 'truncated', body: '{"access_token":"86_abc' });
  await rejectsWithLinkError(wx.getAccessToken(), { code: 'HTTP_ERROR', status: 200, api: 'auth.getAccessToken', retryable: false });
  assert.equal(count(TOKEN), 1);
});

test('a failed call leaves the client usable', async () => {
  const wx = await warmClient({ retries: 0 });
  ctx.emu.inject({ route: SCHEME, kind: 'http500' });
  await rejectsWithLinkError(scheme(wx), { code: 'HTTP_ERROR' });
  assert.ok((await scheme(wx)).openlink);
  assert.equal(count(TOKEN), 0);
});
