// WeChat, secrets: no LinkError, from any path a caller can reach, carries the
// AppSecret or an access token (the ones the emulator issued, the accessToken
// option's, the Cloud Hosting token) in its message, stack, JSON.stringify,
// util.inspect or String().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import {
  useFreshEmulator,
  wechatClient,
  WeChatClient,
  LinkError,
  assertNoSecrets,
  closedPort,
} from './helpers.mjs';

const ctx = useFreshEmulator();

// Caller-managed tokens (the emulator does not know them: every use is refused).
const OPTION_TOKEN = 'opt-token-7f3a9c2e5b1d4e6f8a0b';
const OPTION_TOKEN_FN = 'opt-fn-token-1c2d3e4f5a6b7c8d9e0f';
// A token handed out by a caller's fetch instead of the emulator.
const FETCHED_TOKEN = '86_fetched-token-from-custom-fetch-0123456789';

function secrets() {
  const { emu } = ctx;
  return [emu.credentials.wechat.secret, emu.credentials.cloudbaseAccessToken, OPTION_TOKEN, OPTION_TOKEN_FN, FETCHED_TOKEN, ...emu.issuedTokens];
}

/** The LinkError `promiseOrFn` fails with (a LinkError is required). */
async function failure(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    assert.ok(err instanceof LinkError, `expected a LinkError, got ${err && err.stack}`);
    return err;
  }
  assert.fail('expected a failure, but it resolved');
}

/** Checks every collected error against every secret known now. */
function assertAllClean(errors) {
  assert.ok(errors.length > 0);
  const all = secrets();
  assert.ok(all.length >= 4);
  for (const [label, err] of errors) {
    try {
      assertNoSecrets(err, all);
    } catch (e) {
      e.message = `${label}: ${e.message}`;
      throw e;
    }
  }
}

const scheme = (wx) => wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
const urllink = (wx) => wx.urllink.generate({ path: 'pages/a' });

test('sanity: assertNoSecrets catches a secret in any view (so the checks below can fail)', () => {
  const err = new LinkError({ code: 'API_ERROR', platform: 'wechat', api: 'x', message: 'ok' });
  err.errmsg = `echo ${ctx.emu.credentials.wechat.secret}`;
  assert.throws(() => assertNoSecrets(err, secrets()));
});

test('validation errors (managed client, token already fetched)', async () => {
  const wx = wechatClient(ctx.emu);
  const { accessToken } = await wx.getAccessToken();
  const { secret } = ctx.emu.credentials.wechat;
  const errors = [
    ['query charset', await failure(wx.urlscheme.generate({ jumpWxa: { query: `t=${accessToken} x` } }))],
    ['envVersion echo of the token', await failure(wx.urlscheme.generate({ jumpWxa: { envVersion: accessToken } }))],
    ['envVersion echo of the secret', await failure(wx.urllink.generate({ envVersion: secret }))],
    ['expireTime', await failure(wx.urllink.generate({ expireTime: Date.now() }))],
    ['path', await failure(wx.urllink.generate({ path: `p?access_token=${accessToken}` }))],
    ['pageUrl', await failure(wx.shortlink.generate({ pageUrl: `${secret}`.repeat(40) }))],
    ['unknown key', await failure(wx.urllink.generate({ access_token: accessToken }))],
    ['plainScheme', await failure(() => wx.plainScheme({ path: 'p', envVersion: accessToken }))],
    ['getAccessToken arg', await failure(wx.getAccessToken({ forceRefresh: secret }))],
  ];
  assertAllClean(errors);
});

test('validation errors on a fresh accessToken client echoing the option\'s token', async () => {
  const wx = new WeChatClient({ appid: 'wxapp', accessToken: OPTION_TOKEN, baseUrl: ctx.emu.url });
  const errors = [
    ['envVersion', await failure(wx.urlscheme.generate({ jumpWxa: { envVersion: OPTION_TOKEN } }))],
    ['plainScheme envVersion', await failure(() => wx.plainScheme({ path: 'p', envVersion: OPTION_TOKEN }))],
  ];
  assertAllClean(errors);
});

test('constructor errors with a secret or token present', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  const ctor = (options) => {
    try {
      new WeChatClient(options);
    } catch (err) {
      assert.ok(err instanceof LinkError);
      return err;
    }
    assert.fail(`constructed with ${Object.keys(options)}`);
  };
  const errors = [
    ['two auth ways', ctor({ appid, secret, accessToken: OPTION_TOKEN })],
    ['http baseUrl', ctor({ appid, secret, baseUrl: `http://api.weixin.qq.com/${secret}` })],
    ['baseUrl with query', ctor({ appid, secret, baseUrl: `https://api.weixin.qq.com/?secret=${secret}` })],
    ['baseUrl scheme', ctor({ appid, secret, baseUrl: `ftp://${secret}@host` })],
    ['baseUrl with token', ctor({ accessToken: OPTION_TOKEN, baseUrl: `https://h/${OPTION_TOKEN}?x` })],
    ['cloudbase baseUrl', ctor({ cloudbaseAccessToken: ctx.emu.credentials.cloudbaseAccessToken, baseUrl: `ftp://${ctx.emu.credentials.cloudbaseAccessToken}` })],
    ['retries', ctor({ appid, secret, retries: 99 })],
    ['stableToken', ctor({ accessToken: OPTION_TOKEN, stableToken: true })],
    ['tokenStore', ctor({ appid, secret, tokenStore: { get() {} } })],
    ['unknown option', ctor({ appid, secret, secrett: secret })],
    ['secret without appid', ctor({ secret })],
  ];
  assertAllClean(errors);
});

test('each fault kind on a link call', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0, timeoutMs: 100 });
  await wx.getAccessToken();
  const errors = [];
  const faults = [
    { kind: 'errcode', errcode: -1, echoToken: true },
    { kind: 'errcode', errcode: 45009, echoToken: true },
    { kind: 'errcode', errcode: 85079, echoToken: true },
    { kind: 'http500' },
    { kind: 'truncated' },
    { kind: 'empty' },
    { kind: 'delay', ms: 2000 },
    { kind: 'raw', status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' },
    // Last, twice: the built-in transport may resend once after a reset on a reused socket.
    { kind: 'reset', times: 2 },
  ];
  for (const fault of faults) {
    ctx.emu.inject({ route: '/wxa/generatescheme', ...fault });
    errors.push([fault.kind, await failure(scheme(wx))]);
  }
  assertAllClean(errors);
});

test('token rejected on a link call, the platform echoing the token in errmsg', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  ctx.emu.inject({ route: '/wxa/generate_urllink', kind: 'errcode', errcode: 40001, echoToken: true, times: 2 });
  const err = await failure(urllink(wx));
  assert.equal(err.errcode, 40001);
  assert.match(err.errmsg, /access_token/, 'the echo is there, hidden');
  assertAllClean([['40001 echo', err]]);
});

test('an errmsg quoting the token without a key name', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const { accessToken } = await wx.getAccessToken();
  ctx.emu.inject({ route: '/wxa/generatescheme', kind: 'errcode', errcode: 40014, errmsg: `token ${accessToken} is not valid`, times: 2 });
  const err = await failure(scheme(wx));
  assertAllClean([['errmsg with bare token', err]]);
});

test('a wrong secret, the token endpoint echoing it (classic and stable)', async () => {
  const { appid } = ctx.emu.credentials.wechat;
  const wrong = 'wrong-secret-5a5a5a5a5a5a5a5a';
  const classic = new WeChatClient({ appid, secret: wrong, baseUrl: ctx.emu.url, retries: 0 });
  const stable = new WeChatClient({ appid, secret: wrong, baseUrl: ctx.emu.url, retries: 0, stableToken: true });
  ctx.emu.inject({ route: '/cgi-bin/token', kind: 'errcode', errcode: 40125, echoToken: true, times: 2 });
  ctx.emu.inject({ route: '/cgi-bin/stable_token', kind: 'errcode', errcode: 40125, echoToken: true, times: 2 });
  const errors = [
    ['classic getAccessToken', await failure(classic.getAccessToken())],
    ['classic link', await failure(scheme(classic))],
    ['stable getAccessToken', await failure(stable.getAccessToken())],
    ['stable link', await failure(urllink(stable))],
  ];
  for (const [, err] of errors) assertNoSecrets(err, [wrong]);
  assertAllClean(errors);
});

test('the right secret echoed by a failing token endpoint', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  ctx.emu.inject({ route: '/cgi-bin/token', kind: 'errcode', errcode: -1, echoToken: true });
  ctx.emu.inject({ route: '/cgi-bin/token', kind: 'raw', status: 500, contentType: 'text/plain', body: `bad request secret=${ctx.emu.credentials.wechat.secret}` });
  const errors = [
    ['token -1 echo', await failure(wx.getAccessToken())],
    ['token 500 body', await failure(wx.getAccessToken())],
  ];
  assertAllClean(errors);
});

test('a caller-managed token refused and echoed (accessToken string and function, cloudbase)', async () => {
  const given = new WeChatClient({ accessToken: OPTION_TOKEN, baseUrl: ctx.emu.url, retries: 0 });
  const fn = new WeChatClient({ accessToken: async () => OPTION_TOKEN_FN, baseUrl: ctx.emu.url, retries: 0 });
  const cloud = new WeChatClient({ cloudbaseAccessToken: ctx.emu.credentials.cloudbaseAccessToken, baseUrl: ctx.emu.url, retries: 0 });
  // Four: the function is asked again ({ forceRefresh: true }) and its call retried once.
  ctx.emu.inject({ route: '/wxa/generatescheme', kind: 'errcode', errcode: 40001, echoToken: true, times: 4 });
  const errors = [
    ['accessToken string', await failure(scheme(given))],
    ['accessToken function', await failure(scheme(fn))],
    ['cloudbase', await failure(scheme(cloud))],
    ['getAccessToken refused', await failure(given.getAccessToken())],
  ];
  assertAllClean(errors);
});

test('a custom fetch that throws an Error quoting the full URL with access_token=', async () => {
  const throwing = async (url) => {
    throw new Error(`request to ${url} failed, reason: connect ECONNREFUSED`);
  };
  const given = new WeChatClient({ accessToken: OPTION_TOKEN, baseUrl: ctx.emu.url, retries: 0, fetch: throwing });
  // A managed client: the token request is answered, the link request throws.
  const mixed = async (url) => {
    if (url.includes('/wxa/')) throw new Error(`fetch failed for ${url} (token ${new URL(url).searchParams.get('access_token')})`);
    return { status: 200, text: async () => JSON.stringify({ access_token: FETCHED_TOKEN, expires_in: 7200 }) };
  };
  const managed = wechatClient(ctx.emu, { retries: 0, fetch: mixed });
  const tokenThrows = wechatClient(ctx.emu, { retries: 0, fetch: throwing });
  const errors = [
    ['option token URL', await failure(scheme(given))],
    ['managed token URL', await failure(urllink(managed))],
    ['token request URL (secret)', await failure(tokenThrows.getAccessToken())],
  ];
  assert.match(errors[0][1].message, /failed/);
  assert.equal(errors[1][1].code, 'NETWORK_ERROR');
  assert.match(errors[1][1].message, /fetch failed/, 'the thrown message is passed on, redacted');
  assertAllClean(errors);
});

test('a custom fetch whose error carries a code next to the URL', async () => {
  const fetch = async (url) => {
    const err = new Error(`getaddrinfo ENOTFOUND ${url}`);
    err.code = `ENOTFOUND ${url}`;
    throw err;
  };
  const wx = wechatClient(ctx.emu, { retries: 0, fetch });
  assertAllClean([['code with URL', await failure(wx.getAccessToken())]]);
});

test('network errors from the built-in transport (connection refused, timeout)', async () => {
  const port = await closedPort();
  const { appid, secret } = ctx.emu.credentials.wechat;
  const refused = new WeChatClient({ appid, secret, baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
  const given = new WeChatClient({ accessToken: OPTION_TOKEN, baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
  const slow = wechatClient(ctx.emu, { retries: 0, timeoutMs: 50 });
  ctx.emu.inject({ route: '/cgi-bin/token', kind: 'delay', ms: 1000 });
  const errors = [
    ['refused token', await failure(refused.getAccessToken())],
    ['refused link', await failure(scheme(refused))],
    ['refused option token', await failure(scheme(given))],
    ['timeout token', await failure(slow.getAccessToken())],
  ];
  assertAllClean(errors);
});

test('no 24-character piece of a token survives in an error (a body excerpt cut mid-token)', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const { accessToken } = await wx.getAccessToken();
  // A proxy's error page quoting the token: the message quotes the first 120 characters of
  // the body, which cuts the 131-character token, so matching the whole token misses it.
  ctx.emu.inject({
    route: '/wxa/generatescheme',
    kind: 'raw',
    status: 502,
    contentType: 'text/html',
    body: `<p>denied ${accessToken}</p>`,
  });
  const err = await failure(scheme(wx));
  assert.equal(err.code, 'HTTP_ERROR');
  const views = [err.message, err.stack, JSON.stringify(err), util.inspect(err, { showHidden: true }), String(err)];
  for (let i = 0; i + 24 <= accessToken.length; i += 8) {
    const piece = accessToken.slice(i, i + 24);
    for (const v of views) assert.ok(!String(v).includes(piece), `a piece of the token leaks: …${piece}…`);
  }
});
