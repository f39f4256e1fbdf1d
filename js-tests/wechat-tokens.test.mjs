// WeChat, tokens: caching, single flight, one renewal (never a loop) when a link
// call answers that the token is bad, compare-and-drop, the stable token's
// force_refresh, and the shared tokenStore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useFreshEmulator,
  withEmulator,
  wechatClient,
  WeChatClient,
  rejectsWithLinkError,
  requestsTo,
  sleep,
} from './helpers.mjs';

const ctx = useFreshEmulator();

const TOKEN = '/cgi-bin/token';
const STABLE = '/cgi-bin/stable_token';
const SCHEME = '/wxa/generatescheme';
const URLLINK = '/wxa/generate_urllink';

const scheme = (wx) => wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
const urllink = (wx) => wx.urllink.generate({ path: 'pages/a' });

function count(path) {
  return requestsTo(ctx.emu, path).length;
}

/** The access_token each request on `path` carried, in order. */
function tokensSentTo(path) {
  return requestsTo(ctx.emu, path).map((r) => r.query.access_token);
}

/** A Map-backed tokenStore that records what it was asked and given. */
function mapStore({ async = false } = {}) {
  const map = new Map();
  const log = [];
  const wrap = (v) => (async ? new Promise((resolve) => setTimeout(() => resolve(v), 1)) : v);
  return {
    map,
    log,
    get(key) {
      log.push(['get', key]);
      return wrap(map.get(key));
    },
    set(key, value) {
      log.push(['set', key, value]);
      map.set(key, value);
      return wrap(undefined);
    },
  };
}

// ---- caching and single flight ----

test('a token is cached: two calls, one token request', async () => {
  const wx = wechatClient(ctx.emu);
  await scheme(wx);
  await urllink(wx);
  assert.equal(count(TOKEN), 1);
  const [token] = ctx.emu.issuedTokens;
  assert.deepEqual([...tokensSentTo(SCHEME), ...tokensSentTo(URLLINK)], [token, token]);
});

test('getAccessToken shares the cache with link calls', async () => {
  const wx = wechatClient(ctx.emu);
  const first = await wx.getAccessToken();
  await scheme(wx);
  const second = await wx.getAccessToken();
  assert.equal(count(TOKEN), 1);
  assert.equal(first.accessToken, second.accessToken);
  assert.deepEqual(tokensSentTo(SCHEME), [first.accessToken]);
});

test('single flight: 50 concurrent calls on a fresh client make exactly one token request', async () => {
  const wx = wechatClient(ctx.emu);
  const calls = [];
  for (let i = 0; i < 50; i++) calls.push(i % 2 ? scheme(wx) : urllink(wx));
  const results = await Promise.all(calls);
  assert.equal(results.length, 50);
  assert.equal(count(TOKEN), 1);
  assert.equal(count(SCHEME) + count(URLLINK), 50);
  const [token] = ctx.emu.issuedTokens;
  assert.ok([...tokensSentTo(SCHEME), ...tokensSentTo(URLLINK)].every((t) => t === token));
});

test('single flight: concurrent getAccessToken calls share one request and one token', async () => {
  const wx = wechatClient(ctx.emu);
  const results = await Promise.all(Array.from({ length: 10 }, () => wx.getAccessToken()));
  assert.equal(count(TOKEN), 1);
  assert.equal(new Set(results.map((r) => r.accessToken)).size, 1);
});

test('single flight also shares a failure: 10 concurrent calls, one failed token request', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: -1 });
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => scheme(wx)));
  assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason.errcode === -1));
  assert.equal(count(TOKEN), 1);
  assert.equal(count(SCHEME), 0);
});

test('a failed token fetch is not cached: the next call asks again', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  ctx.emu.inject({ route: TOKEN, kind: 'http500' });
  await rejectsWithLinkError(scheme(wx), { code: 'HTTP_ERROR', status: 500 });
  assert.ok((await scheme(wx)).openlink);
  assert.equal(count(TOKEN), 2);
});

test('getAccessToken({forceRefresh: true}) fetches a new token, which later calls use', async () => {
  const wx = wechatClient(ctx.emu);
  const first = await wx.getAccessToken();
  const forced = await wx.getAccessToken({ forceRefresh: true });
  assert.equal(count(TOKEN), 2);
  assert.notEqual(forced.accessToken, first.accessToken);
  assert.equal(forced.accessToken, ctx.emu.issuedTokens.at(-1));
  await urllink(wx);
  assert.deepEqual(tokensSentTo(URLLINK), [forced.accessToken]);
  assert.equal(count(TOKEN), 2);
  await wx.getAccessToken({ force_refresh: false });
  assert.equal(count(TOKEN), 2, 'forceRefresh: false uses the cache');
});

test('a token is refreshed shortly before it runs out (token TTL 1 s: used for half of it)', async () => {
  await withEmulator(async (emu) => {
    const wx = wechatClient(emu);
    const { expiresIn } = await wx.getAccessToken();
    assert.ok(expiresIn <= 1, `expiresIn ${expiresIn}`);
    await sleep(700);
    await wx.urllink.generate({ path: 'pages/a' });
    assert.equal(requestsTo(emu, TOKEN).length, 2);
    assert.equal(requestsTo(emu, URLLINK)[0].query.access_token, emu.issuedTokens.at(-1));
  }, { tokenTtlSeconds: 1 });
});

// ---- one renewal when a link call rejects the token ----

async function renewsOnce(reject) {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const { accessToken: stale } = await wx.getAccessToken();
  reject(stale);
  const result = await urllink(wx);
  assert.match(result.urlLink, /^https:\/\//);
  assert.equal(count(TOKEN), 2, 'one new token');
  assert.equal(count(URLLINK), 2, 'the call was retried once');
  const fresh = ctx.emu.issuedTokens.at(-1);
  assert.notEqual(fresh, stale);
  assert.deepEqual(tokensSentTo(URLLINK), [stale, fresh]);
}

test('40001 (revoked token): drop it, fetch one new token, retry once, resolve', async () => {
  await renewsOnce((token) => assert.ok(ctx.emu.revokeToken(token)));
});

test('42001 (expired token): drop it, fetch one new token, retry once, resolve', async () => {
  await renewsOnce(() => ctx.emu.expireTokens());
});

test('42001 injected (expireToken fault): one new token, one retry', async () => {
  await renewsOnce(() => ctx.emu.inject({ route: URLLINK, kind: 'expireToken' }));
});

test('40014 (invalid token): one new token, one retry', async () => {
  await renewsOnce(() => ctx.emu.inject({ route: URLLINK, kind: 'errcode', errcode: 40014 }));
});

test('the renewal is not counted against `retries` (retries: 0 still renews once)', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  await wx.getAccessToken();
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: 40001 });
  assert.ok((await scheme(wx)).openlink);
  assert.equal(count(SCHEME), 2);
});

test('never a loop: when every link call answers 40001 the call rejects after exactly 2 token requests', async () => {
  const wx = wechatClient(ctx.emu, { retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: 40001, times: 20 });
  const err = await rejectsWithLinkError(scheme(wx), {
    code: 'API_ERROR',
    errcode: 40001,
    retryable: false,
    api: 'urlscheme.generate',
  });
  assert.match(err.message, /token/);
  assert.equal(count(TOKEN), 2);
  assert.equal(count(SCHEME), 2);
});

test('never a loop: 42001 on every call also stops after one renewal', async () => {
  const wx = wechatClient(ctx.emu, { retries: 2 });
  ctx.emu.inject({ route: URLLINK, kind: 'expireToken', times: 20 });
  await rejectsWithLinkError(urllink(wx), { code: 'API_ERROR', errcode: 42001, retryable: false });
  assert.equal(count(TOKEN), 2);
  assert.equal(count(URLLINK), 2);
});

test('a token the package does not manage (accessToken option) is not renewed', async () => {
  const wx = new WeChatClient({ accessToken: 'caller-managed-token', baseUrl: ctx.emu.url, retries: 2 });
  await rejectsWithLinkError(scheme(wx), { code: 'API_ERROR', errcode: 40001, retryable: false });
  assert.equal(count(SCHEME), 1);
  assert.equal(count(TOKEN) + count(STABLE), 0);
});

test('a caller\'s accessToken function whose token is rejected is called once more with { forceRefresh: true }, and the call retried once', async () => {
  const { accessToken: fresh } = await wechatClient(ctx.emu).getAccessToken();
  ctx.emu.clear();
  const calls = [];
  const wx = new WeChatClient({
    baseUrl: ctx.emu.url,
    retries: 2,
    accessToken: (...args) => (calls.push(args), args.length === 0 ? 'caller-stale-token' : fresh),
  });
  const { openlink } = await scheme(wx);
  assert.match(openlink, /^weixin:\/\//);
  assert.deepEqual(calls, [[], [{ forceRefresh: true }]]);
  assert.deepEqual(tokensSentTo(SCHEME), ['caller-stale-token', fresh]);
  assert.equal(count(TOKEN) + count(STABLE), 0);

  // Still rejected after the forced one: the error, and no third call.
  calls.length = 0;
  ctx.emu.clear();
  const stubborn = new WeChatClient({ baseUrl: ctx.emu.url, retries: 2, accessToken: (...args) => (calls.push(args), 'caller-stale-token') });
  await rejectsWithLinkError(scheme(stubborn), { code: 'API_ERROR', errcode: 40001, retryable: false });
  assert.deepEqual(calls, [[], [{ forceRefresh: true }]]);
  assert.equal(count(SCHEME), 2);
});

test('compare-and-drop: 20 concurrent calls rejected with the same stale token cause ONE new token request', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const { accessToken: stale } = await wx.getAccessToken();
  ctx.emu.revokeToken(stale);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? scheme(wx) : urllink(wx))));
  assert.equal(results.length, 20);
  assert.equal(count(TOKEN), 2, 'the warm-up token and one renewal');
  const fresh = ctx.emu.issuedTokens.at(-1);
  const sent = [...tokensSentTo(SCHEME), ...tokensSentTo(URLLINK)];
  assert.equal(sent.filter((t) => t === stale).length, 20);
  assert.equal(sent.filter((t) => t === fresh).length, 20);
});

test('compare-and-drop: a late rejection of the old token keeps the fresher one', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const { accessToken: stale } = await wx.getAccessToken();
  ctx.emu.revokeToken(stale);
  // The slow call leaves with the stale token and is answered 40001 only after the fast
  // one has already renewed the token: it must adopt that one, not fetch a third.
  ctx.emu.inject({ route: SCHEME, kind: 'delay', ms: 150 });
  const slow = scheme(wx);
  await sleep(20);
  await urllink(wx);
  assert.equal(count(TOKEN), 2);
  await slow;
  assert.equal(count(TOKEN), 2, 'no third token');
  assert.deepEqual(tokensSentTo(SCHEME), [stale, ctx.emu.issuedTokens.at(-1)]);
});

test('GET /cgi-bin/token knocks out another instance\'s token: it renews once and goes on', async () => {
  await withEmulator(async (emu) => {
    const a = wechatClient(emu, { retries: 0 });
    const b = wechatClient(emu, { retries: 0 });
    const { accessToken: ta } = await a.getAccessToken();
    await sleep(5);
    const { accessToken: tb } = await b.getAccessToken();
    assert.notEqual(ta, tb);
    await sleep(5);
    assert.ok((await a.urllink.generate({ path: 'pages/a' })).urlLink);
    assert.equal(requestsTo(emu, TOKEN).length, 3);
    assert.deepEqual(
      requestsTo(emu, URLLINK).map((r) => r.query.access_token),
      [ta, emu.issuedTokens.at(-1)],
    );
  }, { overlapMs: 0 });
});

// ---- wrong credentials ----

test('a wrong secret: getAccessToken rejects with API_ERROR 40125, not retried', async () => {
  const { appid } = ctx.emu.credentials.wechat;
  const wx = new WeChatClient({ appid, secret: 'wrong-secret-0000', baseUrl: ctx.emu.url, retries: 2 });
  const err = await rejectsWithLinkError(wx.getAccessToken(), {
    code: 'API_ERROR',
    errcode: 40125,
    platform: 'wechat',
    api: 'auth.getAccessToken',
    retryable: false,
  });
  assert.match(err.message, /AppSecret/);
  assert.equal(count(TOKEN), 1);
});

test('a wrong secret during a link call: the error is auth.getAccessToken\'s 40125, no link request', async () => {
  const { appid } = ctx.emu.credentials.wechat;
  const wx = new WeChatClient({ appid, secret: 'wrong-secret-0000', baseUrl: ctx.emu.url, retries: 2 });
  const err = await rejectsWithLinkError(scheme(wx), {
    code: 'API_ERROR',
    errcode: 40125,
    retryable: false,
    api: 'auth.getAccessToken',
  });
  assert.match(err.message, /AppSecret/);
  assert.equal(count(TOKEN), 1);
  assert.equal(count(SCHEME), 0);
});

test('40001 from the token endpoint (a wrong secret) during a link call: no loop, named as the secret', async () => {
  const wx = wechatClient(ctx.emu, { retries: 2 });
  ctx.emu.inject({ route: TOKEN, kind: 'errcode', errcode: 40001, times: 5 });
  const err = await rejectsWithLinkError(urllink(wx), { code: 'API_ERROR', errcode: 40001, retryable: false });
  assert.equal(count(TOKEN), 1);
  assert.equal(count(URLLINK), 0);
  assert.match(err.message, /AppSecret/, 'from /cgi-bin/token, 40001 means the secret is wrong, not the token');
});

test('a wrong appid: 40013 from the token endpoint, not retried', async () => {
  const wx = new WeChatClient({ appid: 'wxwrongappid', secret: ctx.emu.credentials.wechat.secret, baseUrl: ctx.emu.url });
  const err = await rejectsWithLinkError(wx.getAccessToken(), { code: 'API_ERROR', errcode: 40013, api: 'auth.getAccessToken', retryable: false });
  assert.match(err.message, /AppID/);
  assert.equal(count(TOKEN), 1);
});

test('getAccessToken on an accessToken or cloudbaseAccessToken client rejects with INVALID_ARGUMENT', async () => {
  const given = new WeChatClient({ accessToken: 'caller-managed-token', baseUrl: ctx.emu.url });
  const promise = given.getAccessToken();
  assert.ok(promise instanceof Promise);
  await rejectsWithLinkError(promise, { code: 'INVALID_ARGUMENT', platform: 'wechat', api: 'auth.getAccessToken', retryable: false });
  const cloud = new WeChatClient({ cloudbaseAccessToken: ctx.emu.credentials.cloudbaseAccessToken, baseUrl: ctx.emu.url });
  await rejectsWithLinkError(cloud.getAccessToken({ forceRefresh: true }), { code: 'INVALID_ARGUMENT', api: 'auth.getAccessToken' });
  assert.equal(ctx.emu.requests.length, 0);
});

// ---- stable token ----

function stableBodies() {
  return requestsTo(ctx.emu, STABLE).map((r) => r.json.force_refresh);
}

test('stable token: when stable_token hands back the very token just rejected, ask again with force_refresh: true', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true, retries: 0 });
  const { accessToken: first } = await wx.getAccessToken();
  // The platform rejects the token on a link call while stable_token still considers it current.
  ctx.emu.inject({ route: URLLINK, kind: 'errcode', errcode: 40001 });
  assert.ok((await urllink(wx)).urlLink);
  assert.deepEqual(stableBodies(), [false, false, true]);
  const fresh = ctx.emu.issuedTokens.at(-1);
  assert.notEqual(fresh, first);
  assert.deepEqual(tokensSentTo(URLLINK), [first, fresh]);
  for (const r of requestsTo(ctx.emu, STABLE)) {
    assert.deepEqual(Object.keys(r.json).sort(), ['appid', 'force_refresh', 'grant_type', 'secret']);
  }
  assert.equal(count(TOKEN), 0);
});

test('stable token: when stable_token hands back a different token, no force_refresh', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true, retries: 0 });
  const { accessToken: first } = await wx.getAccessToken();
  ctx.emu.revokeToken(first); // the emulator's stable_token then issues a new one
  assert.ok((await scheme(wx)).openlink);
  assert.deepEqual(stableBodies(), [false, false]);
  assert.deepEqual(tokensSentTo(SCHEME), [first, ctx.emu.issuedTokens.at(-1)]);
});

test('stable token: an expired token is replaced without force_refresh', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true, retries: 0 });
  await wx.getAccessToken();
  ctx.emu.expireTokens();
  assert.ok((await scheme(wx)).openlink);
  assert.deepEqual(stableBodies(), [false, false]);
});

test('stable token: two clients share one token; no force_refresh in normal use', async () => {
  const a = wechatClient(ctx.emu, { stableToken: true });
  const b = wechatClient(ctx.emu, { stableToken: true });
  const [ta, tb] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
  assert.equal(ta.accessToken, tb.accessToken);
  await Promise.all([scheme(a), scheme(b)]);
  assert.deepEqual(stableBodies(), [false, false]);
});

test('stable token: getAccessToken({forceRefresh: true}) sends force_refresh: true', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true });
  const first = await wx.getAccessToken();
  const forced = await wx.getAccessToken({ forceRefresh: true });
  assert.deepEqual(stableBodies(), [false, true]);
  assert.notEqual(forced.accessToken, first.accessToken);
});

test('stable token: never a loop, even when every link call answers 40001', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true, retries: 2 });
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: 40001, times: 20 });
  await rejectsWithLinkError(scheme(wx), { code: 'API_ERROR', errcode: 40001 });
  assert.equal(count(SCHEME), 2);
  assert.ok(count(STABLE) <= 3, `stable_token requests: ${count(STABLE)}`);
  assert.ok(stableBodies().filter((f) => f).length <= 1, 'at most one force_refresh');
});

test('stable token: a second rejection within 30 s fails with the platform\'s errcode and names the limit; no second force_refresh is sent', async () => {
  await withEmulator(async (emu) => {
    const forced = () => requestsTo(emu, STABLE).map((r) => r.json.force_refresh);
    const wx = wechatClient(emu, { stableToken: true, retries: 0 });
    emu.inject({ route: URLLINK, kind: 'errcode', errcode: 40001 });
    assert.ok((await urllink(wx)).urlLink);
    assert.deepEqual(forced(), [false, false, true]);
    emu.inject({ route: URLLINK, kind: 'errcode', errcode: 40001 });
    const err = await rejectsWithLinkError(urllink(wx), { code: 'API_ERROR', api: 'urllink.generate', errcode: 40001, class: 'auth' });
    assert.match(err.message, /^urllink\.generate failed with 40001: .*; no new token: WeChat allows force_refresh once every 30 s and 20 times a day per appid; the last was forced \d+ s ago: try again in \d+ s$/);
    assert.deepEqual(forced(), [false, false, true, false], 'the limit is kept here, not learnt from a 45011');
  }, { forceRefreshMinIntervalMs: 30_000 });
});

test('stable token: getAccessToken({forceRefresh: true}) within 30 s of the last is INVALID_ARGUMENT (forceRefresh), and sends nothing', async () => {
  await withEmulator(async (emu) => {
    const wx = wechatClient(emu, { stableToken: true });
    const first = await wx.getAccessToken({ forceRefresh: true });
    const sent = emu.requests.length;
    const err = await rejectsWithLinkError(wx.getAccessToken({ forceRefresh: true }), { code: 'INVALID_ARGUMENT', field: 'forceRefresh', api: 'auth.getAccessToken' });
    assert.match(err.message, /the last was forced \d+ s ago: try again in \d+ s/);
    assert.equal(emu.requests.length, sent);
    assert.equal((await wx.getAccessToken()).accessToken, first.accessToken, 'the token in hand still serves');
  }, { forceRefreshMinIntervalMs: 30_000 });
});

test('stable token + tokenStore: forced refreshes are counted for the whole fleet (forcedAt in the stored token)', async () => {
  await withEmulator(async (emu) => {
    const store = mapStore();
    const a = wechatClient(emu, { stableToken: true, tokenStore: store });
    const b = wechatClient(emu, { stableToken: true, tokenStore: store });
    const before = Date.now();
    await a.getAccessToken({ forceRefresh: true });
    const [stored] = store.map.values();
    assert.equal(stored.forcedAt.length, 1);
    assert.ok(stored.forcedAt[0] >= before && stored.forcedAt[0] <= Date.now());
    await rejectsWithLinkError(b.getAccessToken({ forceRefresh: true }), { code: 'INVALID_ARGUMENT', field: 'forceRefresh' });
    assert.deepEqual(requestsTo(emu, STABLE).map((r) => r.json.force_refresh), [true]);
    assert.equal((await b.getAccessToken()).accessToken, stored.accessToken, 'b adopts the token a forced');
  }, { forceRefreshMinIntervalMs: 30_000 });
});

// ---- tokenStore ----

test('tokenStore (sync, Map-based): written after a fetch with {accessToken, expiresAt, refreshAt}', async () => {
  const store = mapStore();
  const wx = wechatClient(ctx.emu, { tokenStore: store });
  const before = Date.now();
  const { accessToken } = await wx.getAccessToken();
  const after = Date.now();
  const sets = store.log.filter((e) => e[0] === 'set');
  assert.equal(sets.length, 1);
  const [, key, value] = sets[0];
  assert.equal(typeof key, 'string');
  assert.ok(key.includes(ctx.emu.credentials.wechat.appid), `the key names the app: ${key}`);
  assert.deepEqual(Object.keys(value).sort(), ['accessToken', 'expiresAt', 'refreshAt']);
  assert.equal(value.accessToken, accessToken);
  assert.ok(value.expiresAt >= before + 7200 * 1000 && value.expiresAt <= after + 7200 * 1000, `expiresAt ${value.expiresAt}`);
  assert.ok(value.refreshAt > after && value.refreshAt < value.expiresAt, `refreshAt ${value.refreshAt}`);
  assert.ok(store.log.some((e) => e[0] === 'get' && e[1] === key), 'the store was read first');
});

test('tokenStore (sync): a cold client adopts the stored token, no token request', async () => {
  const store = mapStore();
  const first = wechatClient(ctx.emu, { tokenStore: store });
  const { accessToken } = await first.getAccessToken();
  ctx.emu.clear();
  const cold = wechatClient(ctx.emu, { tokenStore: store });
  assert.ok((await urllink(cold)).urlLink);
  assert.equal(count(TOKEN), 0);
  assert.deepEqual(tokensSentTo(URLLINK), [accessToken]);
  const got = await cold.getAccessToken();
  assert.equal(got.accessToken, accessToken);
  assert.ok(got.expiresIn > 7000 && got.expiresIn <= 7200);
});

test('tokenStore (async get/set): read on a cold client, written after a fetch', async () => {
  const store = mapStore({ async: true });
  const a = wechatClient(ctx.emu, { tokenStore: store });
  await scheme(a);
  assert.equal(count(TOKEN), 1);
  assert.equal(store.log.filter((e) => e[0] === 'set').length, 1);
  const b = wechatClient(ctx.emu, { tokenStore: store });
  await scheme(b);
  assert.equal(count(TOKEN), 1, 'the second client adopted the stored token');
  const [token] = ctx.emu.issuedTokens;
  assert.deepEqual(tokensSentTo(SCHEME), [token, token]);
});

test('tokenStore: a plain Map works as a store', async () => {
  const map = new Map();
  const a = wechatClient(ctx.emu, { tokenStore: map });
  await a.getAccessToken();
  assert.equal(map.size, 1);
  const b = wechatClient(ctx.emu, { tokenStore: map });
  await urllink(b);
  assert.equal(count(TOKEN), 1);
});

test('tokenStore: a stored token past its refreshAt is not adopted', async () => {
  const store = mapStore();
  const a = wechatClient(ctx.emu, { tokenStore: store });
  await a.getAccessToken();
  const [key, value] = [...store.map.entries()][0];
  store.map.set(key, { ...value, refreshAt: Date.now() - 1000, expiresAt: Date.now() + 1000 });
  const b = wechatClient(ctx.emu, { tokenStore: store });
  await urllink(b);
  assert.equal(count(TOKEN), 2);
  assert.equal(store.map.get(key).accessToken, ctx.emu.issuedTokens.at(-1), 'the new token was stored');
});

test('tokenStore: an unreadable stored value counts as none', async () => {
  const store = mapStore();
  const a = wechatClient(ctx.emu, { tokenStore: store });
  await a.getAccessToken();
  const [key] = [...store.map.keys()];
  store.map.set(key, 'garbage');
  const b = wechatClient(ctx.emu, { tokenStore: store });
  assert.ok((await scheme(b)).openlink);
  assert.equal(count(TOKEN), 2);
});

test('tokenStore: a stored token the platform rejects is dropped, not adopted again', async () => {
  const store = mapStore();
  const a = wechatClient(ctx.emu, { tokenStore: store });
  const { accessToken: stale } = await a.getAccessToken();
  ctx.emu.revokeToken(stale);
  const b = wechatClient(ctx.emu, { tokenStore: store, retries: 0 });
  assert.ok((await urllink(b)).urlLink);
  const fresh = ctx.emu.issuedTokens.at(-1);
  assert.equal(count(TOKEN), 2);
  assert.deepEqual(tokensSentTo(URLLINK), [stale, fresh]);
  assert.equal([...store.map.values()][0].accessToken, fresh);
});

test('tokenStore: an instance whose token was rejected adopts the fresher one another instance stored', async () => {
  const store = mapStore();
  const a = wechatClient(ctx.emu, { tokenStore: store, retries: 0 });
  const b = wechatClient(ctx.emu, { tokenStore: store, retries: 0 });
  const { accessToken: t1 } = await a.getAccessToken();
  await b.getAccessToken(); // adopts t1 from the store
  assert.equal(count(TOKEN), 1);
  ctx.emu.revokeToken(t1);
  await scheme(a); // a renews: t2, stored
  assert.equal(count(TOKEN), 2);
  const t2 = ctx.emu.issuedTokens.at(-1);
  await scheme(b); // b is rejected with t1 and finds t2 in the store
  assert.equal(count(TOKEN), 2, 'b adopted t2 instead of fetching (and knocking out) a third token');
  assert.deepEqual(tokensSentTo(SCHEME), [t1, t2, t1, t2]);
});

test('tokenStore: forceRefresh skips the store and overwrites it', async () => {
  const store = mapStore();
  const wx = wechatClient(ctx.emu, { tokenStore: store });
  const first = await wx.getAccessToken();
  const forced = await wx.getAccessToken({ forceRefresh: true });
  assert.notEqual(forced.accessToken, first.accessToken);
  assert.equal(count(TOKEN), 2);
  assert.equal([...store.map.values()][0].accessToken, forced.accessToken);
});
