// Douyin URL Links, the happy paths: every method of both API generations
// against the emulator, and the exact requests they send (path, headers, JSON
// body) for the cloud-call names (appName, expireTime) and the HTTPS names
// (app_name, expire_time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DouyinClient,
  useEmulator,
  douyinClient,
  requestsTo,
  onlyRequest,
  lastIssuedToken,
  inFuture,
  DAY,
} from './helpers.mjs';

const ctx = useEmulator();

const V1_TOKEN = '/api/apps/v2/token';
const V1_LINK = '/api/apps/url_link/generate';
const V2_TOKEN = '/oauth/client_token/';
const V2_LINK = '/api/apps/v1/url_link/generate/';
const V2_INFO = '/api/apps/v1/url_link/query_info/';
const V2_QUOTA = '/api/apps/v1/url_link/query_quota/';
const LINK_RE = /^https:\/\/z\.douyin\.com\/[A-Za-z0-9]+$/;

const v1 = (extra) => douyinClient(ctx.emu, { retries: 0, ...extra });
const v2 = (extra) => douyinClient(ctx.emu, { api: 'v2', retries: 0, ...extra });

const only = (path) => onlyRequest(ctx.emu, path);

const lastToken = () => lastIssuedToken(ctx.emu);

// ---------------------------------------------------------------- v1

test('v1 generate: resolves {errNo, errTips, urlLink} with a z.douyin.com link', async () => {
  const dy = v1();
  const result = await dy.urlLink.generate({ path: 'pages/index', query: '{"id":"123"}', expireTime: inFuture(3600) });
  assert.match(result.urlLink, LINK_RE);
  assert.equal(result.errNo, 0);
  assert.equal(result.errTips, '');
  assert.deepEqual(Object.keys(result).sort(), ['errNo', 'errTips', 'urlLink']);
});

test('v1 generate: the token request is POST /api/apps/v2/token with JSON {appid, secret, grant_type}', async () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  await v1().urlLink.generate({ expireTime: inFuture(3600) });
  const req = only(V1_TOKEN);
  assert.equal(req.method, 'POST');
  assert.deepEqual(req.query, {});
  assert.match(req.headers['content-type'], /^application\/json(;|$)/);
  assert.deepEqual(req.json, { appid, secret, grant_type: 'client_credential' });
});

test('v1 generate conformance, cloud-call names: exact path, Content-Type and JSON body', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expireTime = inFuture(2 * 3600);
  await v1().urlLink.generate({ appName: 'douyinlite', path: 'pages/item/detail', query: '{"id":"123","from":"share"}', expireTime });
  const req = only(V1_LINK);
  assert.equal(req.method, 'POST');
  assert.equal(req.path, V1_LINK);
  assert.deepEqual(req.query, {}, 'v1 carries the token in the body, not in the URL');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['access-token'], undefined);
  assert.deepEqual(req.json, {
    access_token: lastToken(),
    ma_app_id: appid,
    app_name: 'douyinlite',
    path: 'pages/item/detail',
    query: '{"id":"123","from":"share"}',
    expire_time: expireTime,
  });
});

test('v1 generate conformance, HTTPS names: app_name and expire_time give the same body', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expire_time = inFuture(3 * 3600);
  await v1().urlLink.generate({ app_name: 'douyin', path: 'pages/index', query: '{}', expire_time });
  assert.deepEqual(only(V1_LINK).json, {
    access_token: lastToken(),
    ma_app_id: appid,
    app_name: 'douyin',
    path: 'pages/index',
    query: '{}',
    expire_time,
  });
});

test('v1 generate defaults: app_name douyin, query {} and no path key when none is given', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expireTime = inFuture(3600);
  const result = await v1().urlLink.generate({ expireTime });
  assert.match(result.urlLink, LINK_RE);
  assert.deepEqual(only(V1_LINK).json, {
    access_token: lastToken(),
    ma_app_id: appid,
    app_name: 'douyin',
    query: '{}',
    expire_time: expireTime,
  });
});

test('v1 generate: a plain-object query is sent as JSON text', async () => {
  await v1().urlLink.generate({ query: { id: '123', page: 2, ok: true }, expireTime: inFuture(3600) });
  assert.equal(only(V1_LINK).json.query, '{"id":"123","page":2,"ok":true}');
});

test('v1 generate: a Date expireTime is sent as whole Unix seconds', async () => {
  const seconds = inFuture(5 * 3600);
  const when = new Date(seconds * 1000 + 999);
  await v1().urlLink.generate({ expireTime: when });
  assert.equal(only(V1_LINK).json.expire_time, seconds);
});

test('v1 generate: the link exists on the platform (v2 query_info finds it with what was asked for)', async () => {
  const expireTime = inFuture(7 * DAY);
  const { urlLink } = await v1().urlLink.generate({ path: 'pages/a', query: { k: 'v' }, expireTime });
  const info = await v2().urlLink.queryInfo({ urlLink });
  assert.equal(info.path, 'pages/a');
  assert.equal(info.query, '{"k":"v"}');
  assert.equal(info.expireTime, expireTime);
  assert.equal(info.appName, 'douyin');
});

test('v1 getAccessToken: {accessToken, expiresIn} with the token the platform issued', async () => {
  const dy = v1();
  const got = await dy.getAccessToken();
  assert.deepEqual(Object.keys(got).sort(), ['accessToken', 'expiresIn']);
  assert.equal(got.accessToken, lastToken());
  assert.ok(Number.isInteger(got.expiresIn) && got.expiresIn > 7000 && got.expiresIn <= 7200, `expiresIn ${got.expiresIn}`);
  // Cached: asking again sends nothing.
  assert.equal((await dy.getAccessToken()).accessToken, got.accessToken);
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 1);
});

test('v1 getAccessToken({forceRefresh: true}) and {force_refresh: true} fetch a new token', async () => {
  const dy = v1();
  const first = await dy.getAccessToken();
  const second = await dy.getAccessToken({ forceRefresh: true });
  const third = await dy.getAccessToken({ force_refresh: true });
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 3);
  assert.notEqual(second.accessToken, first.accessToken);
  assert.notEqual(third.accessToken, second.accessToken);
  // The link call uses the newest one.
  await dy.urlLink.generate({ expireTime: inFuture(3600) });
  assert.equal(only(V1_LINK).json.access_token, third.accessToken);
});

test('v1 with accessToken (a string): sent in the body, no token request, appid as ma_app_id', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const token = await v1().getAccessToken();
  ctx.emu.clear();
  const dy = new DouyinClient({ appid, accessToken: token.accessToken, baseUrl: ctx.emu.url, retries: 0 });
  const result = await dy.urlLink.generate({ expireTime: inFuture(3600) });
  assert.match(result.urlLink, LINK_RE);
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 0);
  const body = only(V1_LINK).json;
  assert.equal(body.access_token, token.accessToken);
  assert.equal(body.ma_app_id, appid);
});

test('v1 with accessToken (a function, sync or async): called for each request', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const { accessToken } = await v1().getAccessToken();
  ctx.emu.clear();
  let calls = 0;
  const sync = new DouyinClient({ appid, baseUrl: ctx.emu.url, accessToken: () => (calls++, accessToken) });
  const asyncFn = new DouyinClient({ appid, baseUrl: ctx.emu.url, accessToken: async () => (calls++, accessToken) });
  await sync.urlLink.generate({ expireTime: inFuture(3600) });
  await sync.urlLink.generate({ expireTime: inFuture(3600) });
  await asyncFn.urlLink.generate({ expireTime: inFuture(3600) });
  assert.equal(calls, 3);
  const links = requestsTo(ctx.emu, V1_LINK);
  assert.equal(links.length, 3);
  for (const r of links) assert.equal(r.json.access_token, accessToken);
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 0);
});

test('v1 tokenStore: set with the token under a per-app key; a second client adopts it', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const map = new Map();
  const calls = [];
  const store = {
    get: async (key) => (calls.push(['get', key]), map.get(key)),
    set: async (key, value) => (calls.push(['set', key]), map.set(key, value)),
  };
  const key = `miniprogram-links:douyin:${appid}:access_token`;
  await v1({ tokenStore: store }).urlLink.generate({ expireTime: inFuture(3600) });
  assert.deepEqual(calls, [['get', key], ['set', key]]);
  const stored = map.get(key);
  assert.deepEqual(Object.keys(stored).sort(), ['accessToken', 'expiresAt', 'refreshAt']);
  assert.equal(stored.accessToken, lastToken());
  assert.ok(stored.refreshAt < stored.expiresAt && stored.expiresAt > Date.now());

  // Another instance (another process, in real life) finds it and sends no token request.
  const synchronous = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
  await v1({ tokenStore: synchronous }).urlLink.generate({ expireTime: inFuture(3600) });
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 1);
  const links = requestsTo(ctx.emu, V1_LINK);
  assert.equal(links[1].json.access_token, stored.accessToken);
});

// ---------------------------------------------------------------- v2

test('v2 generate: resolves {urlLink, logId}', async () => {
  const result = await v2().urlLink.generate({ expireTime: inFuture(3600) });
  assert.match(result.urlLink, LINK_RE);
  assert.equal(typeof result.logId, 'string');
  assert.ok(result.logId.length > 0);
  assert.deepEqual(Object.keys(result).sort(), ['logId', 'urlLink']);
});

test('v2 token request: POST /oauth/client_token/ with JSON {client_key, client_secret, grant_type}', async () => {
  const { appid, secret } = ctx.emu.credentials.douyin;
  await v2().urlLink.generate({ expireTime: inFuture(3600) });
  const req = only(V2_TOKEN);
  assert.equal(req.method, 'POST');
  assert.match(req.headers['content-type'], /^application\/json(;|$)/);
  assert.deepEqual(req.json, { client_key: appid, client_secret: secret, grant_type: 'client_credential' });
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 0);
});

test('v2 generate conformance, cloud-call names: access-token header, body without the token', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expireTime = inFuture(4 * 3600);
  await v2().urlLink.generate({ appName: 'toutiao', path: 'pages/index', query: '{"a":"1"}', expireTime });
  const req = only(V2_LINK);
  assert.equal(req.method, 'POST');
  assert.deepEqual(req.query, {});
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['access-token'], lastToken());
  assert.deepEqual(req.json, { app_id: appid, app_name: 'toutiao', path: 'pages/index', query: '{"a":"1"}', expire_time: expireTime });
});

test('v2 generate conformance, HTTPS names: app_name and expire_time give the same body', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const expire_time = inFuture(5 * 3600);
  await v2().urlLink.generate({ app_name: 'toutiaolite', path: 'pages/x', query: { b: 2 }, expire_time });
  const req = only(V2_LINK);
  assert.equal(req.headers['access-token'], lastToken());
  assert.deepEqual(req.json, { app_id: appid, app_name: 'toutiaolite', path: 'pages/x', query: '{"b":2}', expire_time });
});

test('v2 generate accepts each of douyin, douyinlite, toutiao, toutiaolite', async () => {
  const dy = v2();
  for (const appName of ['douyin', 'douyinlite', 'toutiao', 'toutiaolite']) {
    const { urlLink } = await dy.urlLink.generate({ appName, expireTime: inFuture(3600) });
    assert.match(urlLink, LINK_RE);
  }
  assert.deepEqual(
    requestsTo(ctx.emu, V2_LINK).map((r) => r.json.app_name),
    ['douyin', 'douyinlite', 'toutiao', 'toutiaolite'],
  );
  assert.equal(requestsTo(ctx.emu, V2_TOKEN).length, 1);
});

test('v2 queryInfo({urlLink}) and ({url_link}): POST query_info with the link, camelCased answer with logId', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = v2();
  const expireTime = inFuture(2 * DAY);
  const { urlLink } = await dy.urlLink.generate({ appName: 'douyinlite', path: 'pages/p', query: { q: '1' }, expireTime });
  ctx.emu.clear();
  const info = await dy.urlLink.queryInfo({ urlLink });
  const req = only(V2_INFO);
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['access-token'], lastToken());
  assert.deepEqual(req.json, { app_id: appid, url_link: urlLink });
  assert.equal(info.appName, 'douyinlite');
  assert.equal(info.path, 'pages/p');
  assert.equal(info.query, '{"q":"1"}');
  assert.equal(info.expireTime, expireTime);
  assert.equal(typeof info.createTime, 'number');
  assert.equal(typeof info.logId, 'string');
  for (const key of Object.keys(info)) assert.ok(!key.includes('_'), `camelCased: ${key}`);

  const again = await dy.urlLink.queryInfo({ url_link: urlLink });
  assert.equal(again.path, 'pages/p');
});

test('v2 queryQuota(): POST query_quota with {app_id}, resolves {urlLinkUsed, urlLinkLimit, logId}', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const dy = v2();
  const before = await dy.urlLink.queryQuota();
  assert.deepEqual(Object.keys(before).sort(), ['logId', 'urlLinkLimit', 'urlLinkUsed']);
  assert.equal(typeof before.urlLinkUsed, 'number');
  assert.equal(typeof before.urlLinkLimit, 'number');
  await dy.urlLink.generate({ expireTime: inFuture(3600) });
  const after = await dy.urlLink.queryQuota({});
  assert.equal(after.urlLinkUsed, before.urlLinkUsed + 1);
  const reqs = requestsTo(ctx.emu, V2_QUOTA);
  assert.equal(reqs.length, 2);
  for (const r of reqs) {
    assert.deepEqual(r.json, { app_id: appid });
    assert.equal(r.headers['access-token'], lastToken());
  }
});

test('v2 getAccessToken: {accessToken, expiresIn} from client_token, cached', async () => {
  const dy = v2();
  const got = await dy.getAccessToken();
  assert.equal(got.accessToken, lastToken());
  assert.ok(got.accessToken.startsWith('clt.'));
  assert.ok(got.expiresIn > 7000 && got.expiresIn <= 7200);
  await dy.urlLink.generate({ expireTime: inFuture(3600) });
  assert.equal(requestsTo(ctx.emu, V2_TOKEN).length, 1);
});

test('v2 with accessToken: sent in the header, no token request', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const { accessToken } = await v2().getAccessToken();
  ctx.emu.clear();
  const dy = new DouyinClient({ appid, accessToken, api: 'v2', baseUrl: ctx.emu.url });
  await dy.urlLink.generate({ expireTime: inFuture(3600) });
  await dy.urlLink.queryQuota();
  assert.equal(requestsTo(ctx.emu, V2_TOKEN).length, 0);
  for (const r of ctx.emu.requests) assert.equal(r.headers['access-token'], accessToken);
});

test('v2 tokenStore key differs from v1 for the same app', async () => {
  const { appid } = ctx.emu.credentials.douyin;
  const map = new Map();
  const store = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
  await v1({ tokenStore: store }).getAccessToken();
  await v2({ tokenStore: store }).getAccessToken();
  assert.deepEqual([...map.keys()].sort(), [
    `miniprogram-links:douyin-v2:${appid}:access_token`,
    `miniprogram-links:douyin:${appid}:access_token`,
  ]);
  assert.equal(requestsTo(ctx.emu, V1_TOKEN).length, 1);
  assert.equal(requestsTo(ctx.emu, V2_TOKEN).length, 1);
});

test('the emulator recorded no handler errors', () => {
  assert.deepEqual(ctx.emu.errors, []);
});
