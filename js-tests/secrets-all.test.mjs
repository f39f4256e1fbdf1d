// Secrets stay secret, everywhere at once: every fault path and every
// validation path of both platforms (WeChat classic and stable token, Douyin
// v1 and v2), with the emulator echoing the token (or, on token routes, the
// secret) back in its error text, raw bodies quoting them, a custom fetch
// whose errors quote the full URL and request body, token functions and
// tokenStores whose errors quote the token. No LinkError may carry a secret,
// an issued token, a caller's token or a 24-character piece of one, in its
// message, stack, any own field, JSON.stringify, String() or
// util.inspect(showHidden).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { useEmulator, WeChatClient, DouyinClient, LinkError, inFuture, DAY, closedPort } from './helpers.mjs';

const ctx = useEmulator();

const OPTION_TOKEN = 'opt-token-5e1c7a9b3d2f4e6a8c0b1d3f';
const OPTION_TOKEN_FN = 'opt-fn-token-9a8b7c6d5e4f3a2b1c0d';
const DOUYIN_OPTION_TOKEN = 'clt.douyin-option-token-0f1e2d3c4b5a69788796';
const STORE_TOKEN = 'store-token-2468ace013579bdf2468ace0';

const TIMEOUT_MS = 300;

function secrets(emu, extra = []) {
  return [
    emu.credentials.wechat.secret,
    emu.credentials.douyin.secret,
    emu.credentials.cloudbaseAccessToken,
    OPTION_TOKEN,
    OPTION_TOKEN_FN,
    DOUYIN_OPTION_TOKEN,
    STORE_TOKEN,
    ...emu.issuedTokens,
    ...extra,
  ].filter(Boolean);
}

/** Pieces of `secret` that must not appear either: 20 characters every 4 (so any leaked run of 24 or more is caught). */
function pieces(secret) {
  const out = [secret];
  if (secret.length > 24) for (let i = 0; i + 20 <= secret.length; i += 4) out.push(secret.slice(i, i + 20));
  return out;
}

function ownFields(err) {
  const out = {};
  for (const key of Reflect.ownKeys(err)) {
    let value;
    try {
      value = err[key];
    } catch (e) {
      value = `<getter threw ${e && e.message}>`;
    }
    out[String(key)] = typeof value === 'string' ? value : util.inspect(value, { depth: 8, showHidden: true });
  }
  return out;
}

/** Every way a LinkError can be printed or read. */
function views(err) {
  return {
    message: String(err.message),
    stack: String(err.stack),
    json: JSON.stringify(err),
    string: String(err),
    inspect: util.inspect(err, { depth: Infinity, showHidden: true }),
    ...Object.fromEntries(Object.entries(ownFields(err)).map(([k, v]) => [`field ${k}`, v])),
  };
}

function assertClean(errors, all, minimum) {
  assert.ok(errors.length >= minimum, `collected ${errors.length} errors, expected at least ${minimum}`);
  const leaks = new Map(); // label -> { where: [...], sample }
  const needles = all.flatMap((s) => pieces(s).map((p) => [s, p]));
  for (const [label, err] of errors) {
    assert.ok(err instanceof LinkError, `${label}: not a LinkError: ${err && err.stack}`);
    for (const [where, text] of Object.entries(views(err))) {
      const hit = needles.find(([, piece]) => text.includes(piece));
      if (!hit) continue;
      const [secret, piece] = hit;
      const leak = leaks.get(label) || { where: [], sample: '' };
      leak.where.push(where);
      if (!leak.sample) {
        const at = text.indexOf(piece);
        leak.sample = `${piece === secret ? 'whole' : 'piece of'} ${secret.slice(0, 6)}…: …${text.slice(Math.max(0, at - 80), at + piece.length + 20)}…`;
      }
      leaks.set(label, leak);
    }
  }
  assert.deepEqual(
    [...leaks].map(([label, { where, sample }]) => `${label} [${where.join(', ')}]: ${sample}`),
    [],
    'LinkErrors carrying a secret or token',
  );
}

/** The LinkError that `promiseOrFn` fails with, or null when it succeeds (then it was no error path). */
async function failure(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    return err;
  }
  return null;
}

/** Collects [label, error] pairs, ignoring calls that succeeded. */
function collector() {
  const errors = [];
  const succeeded = [];
  const add = async (label, promiseOrFn) => {
    const err = await failure(promiseOrFn);
    if (err) errors.push([label, err]);
    else succeeded.push(label);
    return err;
  };
  return { errors, add, succeeded };
}

// ---------------------------------------------------------------- the platforms

function platforms(emu) {
  const base = { baseUrl: emu.url, retries: 0, timeoutMs: TIMEOUT_MS };
  const wx = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  const expireTime = inFuture(DAY);
  return [
    {
      name: 'wechat',
      tokenRoute: '/cgi-bin/token',
      make: (extra) => new WeChatClient({ appid: wx.appid, secret: wx.secret, ...base, ...extra }),
      links: [
        ['/wxa/generatescheme', (c) => c.urlscheme.generate({ jumpWxa: { path: 'pages/a' } })],
        ['/wxa/generate_urllink', (c) => c.urllink.generate({ path: 'pages/a' })],
        ['/wxa/genwxashortlink', (c) => c.shortlink.generate({ pageUrl: 'pages/a' })],
        ['/wxa/queryscheme', (c) => c.urlscheme.query({ scheme: 'weixin://dl/business/?t=abc' })],
        ['/wxa/query_urllink', (c) => c.urllink.query({ urlLink: 'https://wxaurl.cn/abc' })],
      ],
      rejectCodes: [40001, 42001],
    },
    {
      name: 'wechat stable',
      tokenRoute: '/cgi-bin/stable_token',
      make: (extra) => new WeChatClient({ appid: wx.appid, secret: wx.secret, stableToken: true, ...base, ...extra }),
      links: [['/wxa/generate_urllink', (c) => c.urllink.generate({ path: 'pages/a' })]],
      rejectCodes: [40001],
    },
    {
      name: 'douyin v1',
      tokenRoute: '/api/apps/v2/token',
      make: (extra) => new DouyinClient({ appid: dy.appid, secret: dy.secret, ...base, ...extra }),
      links: [['/api/apps/url_link/generate', (c) => c.urlLink.generate({ expireTime })]],
      rejectCodes: [12024, 12025],
    },
    {
      name: 'douyin v2',
      tokenRoute: '/oauth/client_token/',
      make: (extra) => new DouyinClient({ appid: dy.appid, secret: dy.secret, api: 'v2', ...base, ...extra }),
      links: [
        ['/api/apps/v1/url_link/generate/', (c) => c.urlLink.generate({ expireTime })],
        ['/api/apps/v1/url_link/query_info/', (c) => c.urlLink.queryInfo({ urlLink: 'https://z.douyin.com/abc' })],
        ['/api/apps/v1/url_link/query_quota/', (c) => c.urlLink.queryQuota()],
      ],
      rejectCodes: [28001003, 28001008],
    },
  ];
}

/** Faults for a route, some quoting `quoted` (the token the client holds, or the secret) in a raw body. */
function faults(quoted, rejectCodes) {
  return [
    { kind: 'errcode', errcode: -1, echoToken: true },
    { kind: 'errcode', errcode: 45009, echoToken: true },
    { kind: 'errcode', errcode: 85079, echoToken: true },
    { kind: 'errcode', errcode: 40013, echoToken: true },
    { kind: 'errcode', errcode: 99999, echoToken: true, errmsg: `unknown failure for ${quoted}` },
    ...rejectCodes.map((errcode) => ({ kind: 'errcode', errcode, echoToken: true, times: 2 })),
    { kind: 'expireToken', times: 2 },
    { kind: 'http500' },
    { kind: 'truncated' },
    { kind: 'truncated', body: `{"errcode":0,"errmsg":"ok","token":"${quoted}` },
    { kind: 'empty' },
    { kind: 'delay', ms: TIMEOUT_MS + 400 },
    { kind: 'raw', status: 502, contentType: 'text/html', body: `<html><p>upstream refused ${quoted}</p></html>` },
    { kind: 'raw', status: 403, contentType: 'text/plain', body: `forbidden: access_token=${quoted}&secret=${quoted}` },
    { kind: 'raw', status: 200, body: { errcode: 0, errmsg: `ok ${quoted}` } },
    { kind: 'raw', status: 200, contentType: 'application/json', body: `not json ${quoted}` },
    { kind: 'raw', status: 200, body: { err_no: 1, err_tips: `bad ${quoted}`, err_msg: quoted } },
    { kind: 'raw', status: 200, body: { data: {}, extra: { error_code: 2, description: quoted, sub_description: quoted, logid: quoted } } },
    // Last: the built-in transport may resend once after a reset on a reused socket.
    { kind: 'reset', times: 2 },
  ];
}

// ---------------------------------------------------------------- fault paths

test('every fault on every link route of both platforms, the platform echoing the token', { timeout: 120_000 }, async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  for (const p of platforms(emu)) {
    for (const [route, call] of p.links) {
      const client = p.make();
      const { accessToken } = await client.getAccessToken();
      for (const fault of faults(accessToken, p.rejectCodes)) {
        emu.inject({ route, ...fault });
        await add(`${p.name} ${route} ${fault.kind} ${fault.errcode || fault.status || ''}`, call(client));
      }
    }
  }
  assertClean(errors, secrets(emu), 100);
});

test('every fault on every token route, the platform echoing the secret', { timeout: 120_000 }, async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  for (const p of platforms(emu)) {
    const secret = p.name.startsWith('wechat') ? emu.credentials.wechat.secret : emu.credentials.douyin.secret;
    for (const fault of faults(secret, [])) {
      // Cold clients: the link call has to fetch a token first.
      emu.inject({ route: p.tokenRoute, ...fault });
      await add(`${p.name} token route via link ${fault.kind}`, p.links[0][1](p.make()));
      emu.inject({ route: p.tokenRoute, ...fault });
      await add(`${p.name} getAccessToken ${fault.kind}`, p.make().getAccessToken({ forceRefresh: true }));
    }
  }
  assertClean(errors, secrets(emu), 60);
});

test('a wrong secret refused and echoed by each token endpoint', async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  const wrong = ['wrong-secret-a1b2c3d4e5f6a7b8c9d0', 'wrong-douyin-secret-0a9b8c7d6e5f4a3b2c1d'];
  const base = { baseUrl: emu.url, retries: 0 };
  await add('wechat', new WeChatClient({ appid: emu.credentials.wechat.appid, secret: wrong[0], ...base }).getAccessToken());
  await add('wechat stable', new WeChatClient({ appid: emu.credentials.wechat.appid, secret: wrong[0], stableToken: true, ...base }).urllink.generate({}));
  await add('douyin v1', new DouyinClient({ appid: emu.credentials.douyin.appid, secret: wrong[1], ...base }).getAccessToken());
  await add('douyin v2', new DouyinClient({ appid: emu.credentials.douyin.appid, secret: wrong[1], api: 'v2', ...base }).urlLink.queryQuota());
  emu.inject({ route: '*', kind: 'errcode', errcode: 40125, echoToken: true, times: 4 });
  await add('wechat echo', new WeChatClient({ appid: emu.credentials.wechat.appid, secret: wrong[0], ...base }).getAccessToken());
  await add('douyin echo', new DouyinClient({ appid: emu.credentials.douyin.appid, secret: wrong[1], ...base }).getAccessToken());
  assertClean(errors, secrets(emu, wrong), 6);
});

test('caller-managed tokens refused and echoed (accessToken string and function, cloudbase, Douyin accessToken)', async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  const base = { baseUrl: emu.url, retries: 0, timeoutMs: TIMEOUT_MS };
  const clients = [
    ['wechat accessToken', OPTION_TOKEN, new WeChatClient({ appid: emu.credentials.wechat.appid, accessToken: OPTION_TOKEN, ...base }), (c) => c.urllink.generate({})],
    ['wechat accessToken fn', OPTION_TOKEN_FN, new WeChatClient({ accessToken: async () => OPTION_TOKEN_FN, ...base }), (c) => c.urlscheme.generate({})],
    ['cloudbase', emu.credentials.cloudbaseAccessToken, new WeChatClient({ cloudbaseAccessToken: emu.credentials.cloudbaseAccessToken, ...base }), (c) => c.shortlink.generate({ pageUrl: 'p' })],
    ['douyin v1 accessToken', DOUYIN_OPTION_TOKEN, new DouyinClient({ appid: emu.credentials.douyin.appid, accessToken: DOUYIN_OPTION_TOKEN, ...base }), (c) => c.urlLink.generate({ expireTime: inFuture(3600) })],
    ['douyin v2 accessToken', DOUYIN_OPTION_TOKEN, new DouyinClient({ appid: emu.credentials.douyin.appid, accessToken: () => DOUYIN_OPTION_TOKEN, api: 'v2', ...base }), (c) => c.urlLink.queryQuota()],
  ];
  for (const [label, own, client, call] of clients) {
    await add(`${label}: refused by the platform`, call(client));
    emu.inject({ route: '*', kind: 'errcode', errcode: 40001, echoToken: true });
    await add(`${label}: refused with an echo`, call(client));
    // A body quoting the client's own token (another client's token it cannot know).
    emu.inject({ route: '*', kind: 'raw', status: 401, contentType: 'text/plain', body: `token ${own} is not valid` });
    await add(`${label}: raw body quoting it`, call(client));
    emu.inject({ route: '*', kind: 'raw', status: 200, body: { errcode: 40001, errmsg: `invalid ${own}`, err_no: 28001003, err_tips: own } });
    await add(`${label}: JSON error quoting it`, call(client));
    await add(`${label}: getAccessToken`, client.getAccessToken());
  }
  // A token function that throws, quoting the token it handed out before.
  let calls = 0;
  const flaky = new WeChatClient({
    accessToken: () => {
      calls += 1;
      if (calls === 1) return OPTION_TOKEN_FN;
      throw new Error(`token ${OPTION_TOKEN_FN} expired at the source`);
    },
    ...base,
  });
  await add('token function: first use refused', flaky.urllink.generate({}));
  await add('token function: throws quoting its token', flaky.urllink.generate({}));
  assertClean(errors, secrets(emu), 20);
});

test('a custom fetch whose errors quote the full URL, the request body and headers', async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  const quoting = [
    ['throws', async (url, init) => { throw new Error(`request to ${url} failed (${JSON.stringify(init)})`); }],
    ['rejects with a code', (url, init) => Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${url}`), { code: `ENOTFOUND ${url} ${init && init.body}` }))],
    ['throws a string', (url, init) => { throw `${url} ${init && init.body}`; }], // eslint-disable-line no-throw-literal
    ['answers 500 echoing the request', async (url, init) => ({ status: 500, text: async () => `echo: ${url} ${JSON.stringify(init)}` })],
    ['answers 200 echoing the request as bad JSON', async (url, init) => ({ status: 200, text: async () => `{"errcode":0,"echo":"${url} ${init && init.body}` })],
  ];
  const tokenFor = { wechat: null, douyin: null };
  for (const p of platforms(emu)) {
    for (const [label, fetch] of quoting) {
      // The token request itself (URL with secret=, or a body with the secret).
      await add(`${p.name} fetch ${label}: token request`, p.make({ fetch }).getAccessToken());
      // A link request carrying a real token (fetched through a fetch that works, then failing).
      const real = p.make();
      const { accessToken } = await real.getAccessToken();
      tokenFor[p.name.startsWith('wechat') ? 'wechat' : 'douyin'] = accessToken;
      let first = true;
      const mixed = (url, init) => {
        if (first) {
          first = false;
          const grant = p.name.startsWith('douyin v2')
            ? { data: { access_token: accessToken, expires_in: 7200 }, message: 'success' }
            : p.name.startsWith('douyin')
              ? { err_no: 0, err_tips: 'success', data: { access_token: accessToken, expires_in: 7200, expiresAt: 0 } }
              : { access_token: accessToken, expires_in: 7200 };
          return Promise.resolve({ status: 200, text: async () => JSON.stringify(grant) });
        }
        return fetch(url, init);
      };
      for (const [route, call] of p.links) await add(`${p.name} fetch ${label}: ${route}`, call(p.make({ fetch: mixed })));
    }
  }
  // The built-in transport's own errors: connection refused, timeout.
  const port = await closedPort();
  const refused = { baseUrl: `http://127.0.0.1:${port}`, retries: 0 };
  await add('refused wechat', new WeChatClient({ ...emu.credentials.wechat, ...refused }).getAccessToken());
  await add('refused wechat token', new WeChatClient({ accessToken: OPTION_TOKEN, ...refused }).urllink.generate({}));
  await add('refused douyin v1', new DouyinClient({ ...emu.credentials.douyin, ...refused }).getAccessToken());
  await add('refused douyin v2 token', new DouyinClient({ appid: emu.credentials.douyin.appid, accessToken: DOUYIN_OPTION_TOKEN, api: 'v2', ...refused }).urlLink.queryQuota());
  assertClean(errors, secrets(emu), 40);
});

test('a tokenStore whose failures quote the token it was given or holds', async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  const base = { baseUrl: emu.url, retries: 0, timeoutMs: TIMEOUT_MS };
  // A store that first hands out STORE_TOKEN (adopted, then refused by the
  // platform), then fails quoting it: the client has seen that token.
  const adoptedThenQuoted = () => {
    let gets = 0;
    return {
      get: () => {
        gets += 1;
        if (gets === 1) return { accessToken: STORE_TOKEN, expiresAt: Date.now() + 3600e3, refreshAt: Date.now() + 3000e3 };
        throw new Error(`corrupt entry ${STORE_TOKEN}`);
      },
      set() {},
    };
  };
  for (const p of platforms(emu)) {
    const secret = p.name.startsWith('wechat') ? emu.credentials.wechat.secret : emu.credentials.douyin.secret;
    const stores = () => [
      ['set throws quoting the value', { get: () => null, set: (k, v) => { throw new Error(`cannot store ${k}=${JSON.stringify(v)}`); } }],
      ['set rejects quoting the value', { get: () => null, set: (k, v) => Promise.reject(new Error(`WRONGTYPE ${JSON.stringify(v)}`)) }],
      ['get throws quoting a token it handed out before', adoptedThenQuoted()],
      ['lock throws quoting the secret', { get: () => null, set() {}, lock: () => { throw new Error(`lock ${secret}`); } }],
    ];
    for (const [label, tokenStore] of stores()) await add(`${p.name} ${label}: link`, p.links[0][1](p.make({ tokenStore })));
    for (const [label, tokenStore] of stores()) await add(`${p.name} ${label}: getAccessToken`, p.make({ tokenStore }).getAccessToken());
  }
  assertClean(errors, secrets(emu), 28);
});

// ---------------------------------------------------------------- validation paths

test('every validation path of both platforms, the input quoting a token or the secret', async () => {
  const emu = ctx.emu;
  const { errors, add, succeeded } = collector();
  const wx = new WeChatClient({ ...emu.credentials.wechat, baseUrl: emu.url, retries: 0 });
  const v1 = new DouyinClient({ ...emu.credentials.douyin, baseUrl: emu.url, retries: 0 });
  const v2 = new DouyinClient({ ...emu.credentials.douyin, api: 'v2', baseUrl: emu.url, retries: 0 });
  const wxToken = (await wx.getAccessToken()).accessToken;
  const dyToken = (await v1.getAccessToken()).accessToken;
  const dy2Token = (await v2.getAccessToken()).accessToken;
  const s = emu.credentials.wechat.secret;
  const ds = emu.credentials.douyin.secret;
  // Each client can hide only what it knows: its secret and the tokens it has seen.
  for (const t of [wxToken, s]) {
    await add('scheme path ?', wx.urlscheme.generate({ jumpWxa: { path: `p?${t}` } }));
    await add('scheme query charset', wx.urlscheme.generate({ jumpWxa: { query: `a=${t} ^` } }));
    await add('scheme query long', wx.urlscheme.generate({ jumpWxa: { query: t.repeat(40) } }));
    await add('scheme envVersion', wx.urlscheme.generate({ jumpWxa: { envVersion: t } }));
    await add('scheme expireType', wx.urlscheme.generate({ expireType: t }));
    await add('scheme expireTime string', wx.urlscheme.generate({ expireTime: t }));
    await add('scheme expireInterval', wx.urlscheme.generate({ expireType: 1, expireInterval: t }));
    await add('scheme unknown key', wx.urlscheme.generate({ [t]: 1 }));
    await add('scheme unknown nested key', wx.urlscheme.generate({ jumpWxa: { [t]: t } }));
    await add('urllink cloudBase', wx.urllink.generate({ cloudBase: { domain: t } }));
    await add('urllink cloudBase path', wx.urllink.generate({ cloudBase: { env: 'e', path: `/p?${t}` } }));
    await add('urllink query object', wx.urllink.generate({ query: { a: { nested: t } } }));
    await add('urllink envVersion', wx.urllink.generate({ env_version: t }));
    await add('shortlink pageUrl long', wx.shortlink.generate({ pageUrl: t.repeat(40) }));
    await add('shortlink pageTitle', wx.shortlink.generate({ pageUrl: 'p', pageTitle: { t } }));
    await add('shortlink isPermanent', wx.shortlink.generate({ pageUrl: 'p', isPermanent: t }));
    await add('queryscheme scheme', wx.urlscheme.query({ scheme: { t } }));
    await add('queryscheme queryType', wx.urlscheme.query({ scheme: 'x', queryType: t }));
    await add('query_urllink', wx.urllink.query({ urlLink: 5, [t]: t }));
    await add('plainScheme', () => wx.plainScheme({ path: `p?${t}`, envVersion: t }));
    await add('plainScheme query', () => wx.plainScheme({ path: 'p', query: `${t}^`.repeat(30) }));
    await add('getAccessToken', wx.getAccessToken({ forceRefresh: t }));
    await add('getAccessToken unknown', wx.getAccessToken({ [t]: true }));
  }
  const given = new DouyinClient({ appid: emu.credentials.douyin.appid, accessToken: DOUYIN_OPTION_TOKEN, api: 'v2', baseUrl: emu.url, retries: 0 });
  for (const [name, dy, t] of [['v1', v1, dyToken], ['v1', v1, ds], ['v2', v2, dy2Token], ['v2', v2, ds], ['v2 accessToken', given, DOUYIN_OPTION_TOKEN]]) {
    {
      await add(`douyin ${name} appName`, dy.urlLink.generate({ appName: t, expireTime: inFuture(3600) }));
      await add(`douyin ${name} path`, dy.urlLink.generate({ path: `p?${t}`, expireTime: inFuture(3600) }));
      await add(`douyin ${name} query not JSON`, dy.urlLink.generate({ query: t, expireTime: inFuture(3600) }));
      await add(`douyin ${name} query long`, dy.urlLink.generate({ query: `{"a":"${t.repeat(40)}"}`, expireTime: inFuture(3600) }));
      await add(`douyin ${name} expireTime`, dy.urlLink.generate({ expireTime: t }));
      await add(`douyin ${name} expireTime far`, dy.urlLink.generate({ expireTime: inFuture(400 * DAY) }));
      await add(`douyin ${name} unknown key`, dy.urlLink.generate({ [t]: t, expireTime: inFuture(3600) }));
      await add(`douyin ${name} queryInfo`, dy.urlLink.queryInfo({ urlLink: { t } }));
      await add(`douyin ${name} queryQuota`, dy.urlLink.queryQuota({ [t]: 1 }));
      await add(`douyin ${name} getAccessToken`, dy.getAccessToken({ forceRefresh: t }));
    }
  }
  assert.deepEqual(succeeded, [], 'invalid requests that were accepted');
  assertClean(errors, secrets(emu), 90);
});

test('constructor errors of both clients with secrets and tokens among the options', async () => {
  const emu = ctx.emu;
  const { errors, add, succeeded } = collector();
  const { appid, secret } = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  const W = (o) => () => new WeChatClient(o);
  const D = (o) => () => new DouyinClient(o);
  const cases = [
    ['wechat two auth', W({ appid, secret, accessToken: OPTION_TOKEN })],
    ['wechat http baseUrl', W({ appid, secret, baseUrl: `http://example.com/${secret}` })],
    ['wechat baseUrl query', W({ accessToken: OPTION_TOKEN, baseUrl: `https://h/?t=${OPTION_TOKEN}` })],
    ['wechat unknown option', W({ appid, secret, [secret]: OPTION_TOKEN })],
    ['wechat secret as appid', W({ appid: { secret }, secret })],
    ['wechat timeoutMs', W({ appid, secret, timeoutMs: secret })],
    ['wechat retries', W({ appid, secret, retries: OPTION_TOKEN })],
    ['wechat accessToken number', W({ appid, accessToken: 5, secret })],
    ['wechat stable with token', W({ accessToken: OPTION_TOKEN, stableToken: true })],
    ['wechat cloudbase + secret', W({ cloudbaseAccessToken: emu.credentials.cloudbaseAccessToken, appid, secret })],
    ['wechat tokenStore', W({ appid, secret, tokenStore: { get: secret, set: OPTION_TOKEN } })],
    ['wechat fetch', W({ appid, secret, fetch: OPTION_TOKEN })],
    ['wechat secret no appid', W({ secret })],
    ['douyin no appid', D({ secret: dy.secret })],
    ['douyin api', D({ appid: dy.appid, secret: dy.secret, api: dy.secret })],
    ['douyin two auth', D({ appid: dy.appid, secret: dy.secret, accessToken: DOUYIN_OPTION_TOKEN })],
    ['douyin baseUrl', D({ appid: dy.appid, secret: dy.secret, baseUrl: `ftp://${dy.secret}` })],
    ['douyin unknown', D({ appid: dy.appid, accessToken: DOUYIN_OPTION_TOKEN, [DOUYIN_OPTION_TOKEN]: dy.secret })],
    ['douyin stableToken', D({ appid: dy.appid, secret: dy.secret, stableToken: true })],
  ];
  for (const [label, make] of cases) await add(label, make);
  assert.deepEqual(succeeded, [], 'invalid options that were accepted');
  assertClean(errors, secrets(emu), cases.length);
});

test('Douyin v2: a log_id quoting the token is not passed on verbatim in logId', async () => {
  const emu = ctx.emu;
  const { errors, add } = collector();
  const v2 = new DouyinClient({ ...emu.credentials.douyin, api: 'v2', baseUrl: emu.url, retries: 0 });
  const { accessToken } = await v2.getAccessToken();
  emu.inject({ route: '/api/apps/v1/url_link/generate/', kind: 'raw', status: 200, body: { err_no: 28001007, err_tips: 'bad param', log_id: `20240101-${accessToken}` } });
  await add('log_id quoting the token', v2.urlLink.generate({ expireTime: inFuture(3600) }));
  const given = new DouyinClient({ appid: emu.credentials.douyin.appid, accessToken: DOUYIN_OPTION_TOKEN, api: 'v2', baseUrl: emu.url, retries: 0 });
  emu.inject({ route: '/api/apps/v1/url_link/query_quota/', kind: 'raw', status: 200, body: { err_no: 28001003, err_tips: 'invalid', log_id: DOUYIN_OPTION_TOKEN } });
  await add('log_id quoting the option token', given.urlLink.queryQuota());
  assert.equal(typeof errors[0][1].logId, 'string', 'the logId is still there (redacted)');
  assertClean(errors, secrets(emu), 2);
});

test('sanity: the checks see a secret hidden anywhere (message, field, cause, symbol, non-enumerable)', () => {
  const emu = ctx.emu;
  const s = emu.credentials.wechat.secret;
  const make = () => new LinkError({ code: 'API_ERROR', platform: 'wechat', api: 'x', message: 'ok' });
  const planted = [
    Object.assign(make(), { errmsg: `x ${s}` }),
    Object.defineProperty(make(), 'hidden', { value: s, enumerable: false }),
    Object.assign(make(), { [Symbol('s')]: s }),
    Object.assign(make(), { cause: new Error(s) }),
    Object.assign(make(), { message: `…${s.slice(4, 30)}…` }),
  ];
  for (const err of planted) assert.throws(() => assertClean([['planted', err]], [s], 1));
});
