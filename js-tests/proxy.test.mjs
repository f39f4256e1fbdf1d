// Through a real HTTP CONNECT proxy, the way the README says: the `fetch`
// option is undici's fetch with `dispatcher: new ProxyAgent(proxyUrl)`.
//
//   client --CONNECT--> proxy (npm `proxy`, 127.0.0.1) --TCP--> TLS front
//          (test certificate, js-tests/support/tls) --> the emulator (http)
//
// The emulator serves plain http only, so a small TLS front (in
// support/proxy.mjs) stands in for the platform's https origin; the client
// trusts the test CA through ProxyAgent's `requestTls: { ca }`
// (NODE_EXTRA_CA_CERTS cannot be set once Node runs). The proxy demands Basic
// credentials, given in the proxy URL. Libraries (proxy@2, undici) are
// installed into a cache folder outside the project: see support/proxy.mjs.
// No t.after() (Node 16): every test cleans up in finally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  WeChatClient,
  DouyinClient,
  loadEmulator,
  requestsTo,
  rejectsWithLinkError,
  assertNoSecrets,
  closedPort,
  inFuture,
} from './helpers.mjs';
import { proxyLibraries, startProxy, startTlsFront, TEST_CA } from './support/proxy.mjs';
import { within } from './support/within.mjs';

const WX_TOKEN = '/cgi-bin/token';
const WX_SCHEME = '/wxa/generatescheme';
const WX_URLLINK = '/wxa/generate_urllink';
const DY_TOKEN = '/api/apps/v2/token';
const DY_LINK = '/api/apps/url_link/generate';

let libs = null;
/** proxy + undici, installed on first use; null (the test skipped) without npm. */
function libraries(t) {
  if (!libs) libs = proxyLibraries();
  if (libs.skip) {
    t.skip(libs.skip);
    return null;
  }
  return libs;
}

const undiciMajor = () => Number(libs.undiciVersion.split('.')[0]);

/**
 * Starts the emulator, (with `tls`) its TLS front, and a proxy demanding
 * credentials; runs `fn` with them and the README's fetch; closes everything
 * afterwards, whatever happens (bounded waits).
 */
async function withProxiedEmulator(t, { tls = true } = {}, fn) {
  const found = libraries(t);
  if (!found) return;
  const { startEmulator } = loadEmulator();
  const closers = [];
  try {
    const emu = await startEmulator({ port: 0 });
    closers.push(() => emu.close());
    const front = tls ? await startTlsFront(emu.port) : null;
    if (front) closers.push(() => front.close());
    const password = crypto.randomBytes(12).toString('hex');
    const proxy = await startProxy(found.createProxy, { user: 'egress', password });
    closers.push(() => proxy.close());
    // The README's way, with the test CA added for the TLS front.
    const { fetch: undiciFetch, ProxyAgent } = found.undici;
    const agent = new ProxyAgent({ uri: proxy.url, requestTls: { ca: TEST_CA } });
    closers.push(() => agent.destroy());
    const fetch = (url, init) => undiciFetch(url, { ...init, dispatcher: agent });
    const baseUrl = front ? front.url : emu.url;
    await fn({ emu, front, proxy, password, agent, fetch, baseUrl, ProxyAgent, undiciFetch });
  } finally {
    for (const close of closers.reverse()) {
      await within(Promise.resolve().then(close), 5000, 'closing a server or the agent took over 5 s').catch(() => {});
    }
  }
}

/** `METHOD /path` of every request the emulator saw, in order. */
const trail = (emu) => emu.requests.map((r) => `${r.method} ${r.path}`);

test('WeChatClient through the CONNECT proxy over https: token and links in the tunnel, the proxy sees neither secret nor token', { timeout: 120_000 }, async (t) => {
  await withProxiedEmulator(t, {}, async ({ emu, front, proxy, fetch, baseUrl }) => {
    if (typeof t.diagnostic === 'function') t.diagnostic(`undici ${libs.undiciVersion}, proxy ${libs.proxyVersion}, Node ${process.versions.node}`);
    const { appid, secret } = emu.credentials.wechat;
    const wx = new WeChatClient({ appid, secret, baseUrl, fetch, retries: 0 });
    const scheme = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/index/index', query: 'a=1' } });
    assert.match(scheme.openlink, /^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]+$/);
    const link = await wx.urllink.generate({ path: 'pages/index/index', query: 'id=7', expireInterval: 7 });
    assert.match(link.urlLink, /^https:\/\/wxaurl\.cn\/[A-Za-z0-9]+$/);

    // The emulator got exactly these, addressed to the https origin.
    assert.deepEqual(trail(emu), [`GET ${WX_TOKEN}`, `POST ${WX_SCHEME}`, `POST ${WX_URLLINK}`]);
    for (const r of emu.requests) assert.equal(r.headers.host, `127.0.0.1:${front.port}`);
    assert.equal(requestsTo(emu, WX_TOKEN)[0].query.secret, secret);
    assert.equal(emu.issuedTokens.length, 1);
    const token = emu.issuedTokens[0];
    for (const path of [WX_SCHEME, WX_URLLINK]) assert.equal(requestsTo(emu, path)[0].query.access_token, token);

    // The proxy carried it: CONNECTs for the front's host:port only, with its
    // credentials, and every connection the front got came through one.
    assert.ok(proxy.seen.length >= 1, 'the proxy saw no request');
    for (const seen of proxy.seen) assert.deepEqual(seen, { method: 'CONNECT', url: `127.0.0.1:${front.port}`, authorized: true });
    assert.equal(front.connections(), proxy.seen.length, 'a connection to the origin bypassed the proxy');
    assert.ok(proxy.tunnelledBytes() > 0, 'nothing went through the tunnel');
    // TLS end to end: the proxy could read the CONNECT, not the requests.
    const clear = proxy.plaintext();
    assert.ok(clear.includes(`CONNECT 127.0.0.1:${front.port}`));
    for (const hidden of [secret, token, WX_TOKEN, 'access_token']) assert.ok(!clear.includes(hidden), `the proxy read ${hidden} in clear`);
  });
});

test('DouyinClient through the CONNECT proxy over https: token and link in the tunnel', { timeout: 120_000 }, async (t) => {
  await withProxiedEmulator(t, {}, async ({ emu, front, proxy, fetch, baseUrl }) => {
    const { appid, secret } = emu.credentials.douyin;
    const dy = new DouyinClient({ appid, secret, baseUrl, fetch, retries: 0 });
    const result = await dy.urlLink.generate({ path: 'pages/index', query: '{"id":"1"}', expireTime: inFuture(3600) });
    assert.match(result.urlLink, /^https:\/\/z\.douyin\.com\/[A-Za-z0-9]+$/);
    assert.deepEqual(trail(emu), [`POST ${DY_TOKEN}`, `POST ${DY_LINK}`]);
    assert.equal(requestsTo(emu, DY_TOKEN)[0].json.secret, secret);
    assert.ok(proxy.seen.length >= 1);
    for (const seen of proxy.seen) assert.deepEqual(seen, { method: 'CONNECT', url: `127.0.0.1:${front.port}`, authorized: true });
    assert.equal(front.connections(), proxy.seen.length);
    const clear = proxy.plaintext();
    for (const hidden of [secret, ...emu.issuedTokens]) assert.ok(!clear.includes(hidden), 'the proxy read a secret in clear');
  });
});

test('plain http through the same proxy (control): undici tunnels it (CONNECT; undici 8 forwards it), and then the proxy reads everything', { timeout: 120_000 }, async (t) => {
  await withProxiedEmulator(t, { tls: false }, async ({ emu, proxy, fetch, baseUrl }) => {
    const { appid, secret } = emu.credentials.wechat;
    const wx = new WeChatClient({ appid, secret, baseUrl, fetch, retries: 0 });
    await wx.urlscheme.generate();
    assert.deepEqual(trail(emu), [`GET ${WX_TOKEN}`, `POST ${WX_SCHEME}`]);
    if (undiciMajor() >= 8) {
      // undici 8: http targets go as absolute-form requests unless `proxyTunnel: true`.
      assert.deepEqual(
        proxy.seen.map((s) => [s.method, new URL(s.url).origin, new URL(s.url).pathname, s.authorized]),
        [['GET', emu.url, WX_TOKEN, true], ['POST', emu.url, WX_SCHEME, true]],
      );
    } else {
      assert.ok(proxy.seen.length >= 1);
      for (const seen of proxy.seen) assert.deepEqual(seen, { method: 'CONNECT', url: `127.0.0.1:${emu.port}`, authorized: true });
    }
    // What the https test's "not in clear" checks would catch: here the proxy reads the secret and the token.
    const clear = proxy.plaintext();
    assert.ok(clear.includes(secret), 'over http the proxy sees the AppSecret');
    assert.ok(clear.includes(emu.issuedTokens[0]), 'over http the proxy sees the access token');
  });
});

test('proxy gone: NETWORK_ERROR, nothing reaches the platform, no secret, token or proxy password in the error', { timeout: 120_000 }, async (t) => {
  await withProxiedEmulator(t, {}, async ({ emu, front, proxy, password, fetch, baseUrl, ProxyAgent, undiciFetch }) => {
    const { appid, secret } = emu.credentials.wechat;
    const wx = new WeChatClient({ appid, secret, baseUrl, fetch, retries: 0 });
    await wx.urlscheme.generate();
    assert.deepEqual(trail(emu), [`GET ${WX_TOKEN}`, `POST ${WX_SCHEME}`]);
    const token = emu.issuedTokens[0];

    // The proxy stops (its tunnels torn down): the cached token's next call fails.
    await proxy.close();
    const connections = front.connections();
    const stopped = await rejectsWithLinkError(wx.urllink.generate({ path: 'pages/index/index' }), {
      code: 'NETWORK_ERROR',
      platform: 'wechat',
      api: 'urllink.generate',
      retryable: true,
    });
    assertNoSecrets(stopped, [secret, token, password]);
    assert.deepEqual(trail(emu), [`GET ${WX_TOKEN}`, `POST ${WX_SCHEME}`], 'a request reached the platform without the proxy');
    assert.equal(front.connections(), connections);

    // A proxy address nobody listens on, from the start: the token request (its URL carries the secret) fails.
    const port = await closedPort();
    const nowhere = new ProxyAgent({ uri: `http://egress:${password}@127.0.0.1:${port}`, requestTls: { ca: TEST_CA } });
    try {
      const fresh = new WeChatClient({ appid, secret, baseUrl, retries: 0, fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: nowhere }) });
      const refused = await rejectsWithLinkError(fresh.urlscheme.generate(), {
        code: 'NETWORK_ERROR',
        platform: 'wechat',
        api: 'auth.getAccessToken',
        retryable: true,
      });
      assertNoSecrets(refused, [secret, token, password]);
    } finally {
      await within(nowhere.destroy(), 5000, 'the ProxyAgent did not close').catch(() => {});
    }
    assert.equal(emu.issuedTokens.length, 1);
    assert.equal(requestsTo(emu, WX_URLLINK).length, 0);
  });
});

test('wrong proxy password: the proxy answers 407, NETWORK_ERROR, nothing reaches the platform', { timeout: 120_000 }, async (t) => {
  await withProxiedEmulator(t, {}, async ({ emu, front, proxy, password, baseUrl, ProxyAgent, undiciFetch }) => {
    const { appid, secret } = emu.credentials.wechat;
    const wrong = `${password}x`;
    const agent = new ProxyAgent({ uri: `http://egress:${wrong}@127.0.0.1:${proxy.port}`, requestTls: { ca: TEST_CA } });
    try {
      const wx = new WeChatClient({ appid, secret, baseUrl, retries: 0, fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: agent }) });
      const err = await rejectsWithLinkError(wx.urlscheme.generate(), { code: 'NETWORK_ERROR', platform: 'wechat', api: 'auth.getAccessToken' });
      assertNoSecrets(err, [secret, password, wrong]);
    } finally {
      await within(agent.destroy(), 5000, 'the ProxyAgent did not close').catch(() => {});
    }
    assert.deepEqual(proxy.seen, [{ method: 'CONNECT', url: `127.0.0.1:${front.port}`, authorized: false }]);
    assert.equal(front.connections(), 0);
    assert.deepEqual(emu.requests, []);
  });
});
