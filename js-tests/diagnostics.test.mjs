// node:diagnostics_channel: `miniprogram-links:request` after every attempt and
// `miniprogram-links:token` when a token is fetched, adopted, dropped or
// force-refreshed. One subscriber on both channels for a whole run (token
// fetch, adoption from a store, a retry, a token revoked and dropped, a forced
// refresh, an API failure, a network failure, Douyin v2 with its token in a
// header) sees what happened, and no message of the run carries a secret, a
// token, `access_token` or a query string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useEmulator, wechatClient, douyinClient, closedPort, inFuture, lastIssuedToken, rejectsWithLinkError } from './helpers.mjs';

const require = createRequire(import.meta.url);
const diagnostics = require('node:diagnostics_channel');
const { WeChatClient } = require('miniprogram-links');

const ctx = useEmulator();
const SCHEME = '/wxa/generatescheme';
const REQUEST_FIELDS = ['platform', 'api', 'method', 'path', 'attempt', 'status', 'errcode', 'code', 'retryable', 'durationMs'];

/** Runs `fn` with a subscriber on both channels; resolves to what each saw. */
async function observed(fn) {
  const seen = { request: [], token: [] };
  const subscribers = Object.keys(seen).map((name) => {
    const channel = diagnostics.channel(`miniprogram-links:${name}`);
    const subscriber = (message) => seen[name].push(message);
    channel.subscribe(subscriber);
    return () => channel.unsubscribe(subscriber);
  });
  try {
    await fn();
  } finally {
    for (const unsubscribe of subscribers) unsubscribe();
  }
  return seen;
}

/** A tokenStore over a Map, as several instances would share it. */
function mapStore() {
  const map = new Map();
  return { get: (key) => map.get(key), set: (key, value) => void map.set(key, value) };
}

test('a whole run: every attempt and token event is seen, and nothing secret is', async () => {
  const emu = ctx.emu;
  const store = mapStore();
  const first = wechatClient(emu, { tokenStore: store, retries: 1 });
  const second = wechatClient(emu, { tokenStore: store, retries: 1 });
  const seen = await observed(async () => {
    await first.urlscheme.generate({}); // fetched; attempt 1
    await second.urlscheme.generate({}); // adopted
    emu.inject({ route: SCHEME, kind: 'errcode', errcode: -1, times: 1 });
    await second.urlscheme.generate({}); // attempt 1: -1, attempt 2: ok
    emu.revokeToken(lastIssuedToken(emu));
    await second.urlscheme.generate({}); // 40001, dropped, fetched, ok
    await first.getAccessToken({ forceRefresh: true }); // forceRefreshed
    emu.inject({ route: SCHEME, kind: 'errcode', errcode: 40165, times: 1 });
    await rejectsWithLinkError(first.urlscheme.generate({}), { errcode: 40165 });
    const offline = new WeChatClient({ ...emu.credentials.wechat, baseUrl: `http://127.0.0.1:${await closedPort()}`, retries: 0 });
    await rejectsWithLinkError(offline.urlscheme.generate({}), { code: 'NETWORK_ERROR' });
    const dy = douyinClient(emu, { api: 'v2' });
    await dy.urlLink.generate({ path: 'pages/a', expireTime: inFuture(3600) });
  });

  const secrets = [emu.credentials.wechat.secret, emu.credentials.douyin.secret, ...emu.issuedTokens];
  for (const message of [...seen.request, ...seen.token]) {
    const text = JSON.stringify(message);
    for (const secret of secrets) assert.ok(!text.includes(secret), `a message carries a secret or token: ${text}`);
    assert.ok(!/access_token|\?/.test(text), `a message carries a query: ${text}`);
  }
  for (const message of seen.request) assert.deepEqual(Object.keys(message), REQUEST_FIELDS);

  assert.deepEqual(
    seen.token.map((m) => [m.api, m.event]),
    [
      ['auth.getAccessToken', 'fetched'],
      ['auth.getAccessToken', 'adopted'],
      ['auth.getAccessToken', 'dropped'],
      ['auth.getAccessToken', 'fetched'],
      ['auth.getAccessToken', 'forceRefreshed'],
      ['douyin.v2.getAccessToken', 'fetched'],
    ],
  );
  const brief = (m) => [m.api, m.path, m.attempt, m.status, m.errcode, m.code, m.retryable];
  assert.deepEqual(seen.request.map(brief), [
    ['auth.getAccessToken', '/cgi-bin/token', 1, 200, null, null, false],
    ['urlscheme.generate', SCHEME, 1, 200, null, null, false],
    ['urlscheme.generate', SCHEME, 1, 200, null, null, false],
    ['urlscheme.generate', SCHEME, 1, 200, -1, 'API_ERROR', true],
    ['urlscheme.generate', SCHEME, 2, 200, null, null, false],
    ['urlscheme.generate', SCHEME, 1, 200, 40001, 'API_ERROR', false],
    ['auth.getAccessToken', '/cgi-bin/token', 1, 200, null, null, false],
    ['urlscheme.generate', SCHEME, 2, 200, null, null, false],
    ['auth.getAccessToken', '/cgi-bin/token', 1, 200, null, null, false],
    ['urlscheme.generate', SCHEME, 1, 200, 40165, 'API_ERROR', false],
    ['auth.getAccessToken', '/cgi-bin/token', 1, null, null, 'NETWORK_ERROR', true],
    ['douyin.v2.getAccessToken', '/oauth/client_token/', 1, 200, null, null, false],
    ['douyin.v2.urlLink.generate', '/api/apps/v1/url_link/generate/', 1, 200, null, null, false],
  ]);
  for (const m of [...seen.request, ...seen.token]) assert.ok(typeof m.durationMs === 'number' && m.durationMs >= 0);
});

test('nothing is built or published while no one listens, and the calls work the same', async () => {
  const channel = diagnostics.channel('miniprogram-links:request');
  assert.equal(channel.hasSubscribers, false);
  const wx = wechatClient(ctx.emu);
  const { openlink } = await wx.urlscheme.generate({});
  assert.match(openlink, /^weixin:\/\//);
});
