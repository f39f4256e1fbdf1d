// WeChat, conformance: the exact requests the emulator received for each method,
// naming style, expiry form and way to authenticate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEmulator,
  wechatClient,
  withEmulator,
  WeChatClient,
  inFuture,
  DAY,
  requestsTo,
  onlyRequest,
  lastIssuedToken,
  awayFromSecondEdge,
} from './helpers.mjs';

const ctx = useEmulator();

const lastToken = () => lastIssuedToken(ctx.emu);

const only = (path) => onlyRequest(ctx.emu, path);

/** The link request on `path`: POST, JSON, authenticated with the token the emulator issued. */
function linkRequest(path) {
  const req = only(path);
  assert.equal(req.method, 'POST');
  assert.match(String(req.headers['content-type']), /^application\/json\b/);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 1, 'one token request');
  assert.deepEqual(req.query, { access_token: lastToken() });
  return req;
}

test('token: GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…, no body', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.getAccessToken();
  const req = only('/cgi-bin/token');
  const { appid, secret } = ctx.emu.credentials.wechat;
  assert.equal(req.method, 'GET');
  assert.deepEqual(req.query, { grant_type: 'client_credential', appid, secret });
  assert.equal(req.body, '');
  assert.equal(ctx.emu.requests.length, 1);
});

test('stableToken: POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh: false}', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true });
  await wx.urllink.generate({ path: 'pages/a' });
  const req = only('/cgi-bin/stable_token');
  const { appid, secret } = ctx.emu.credentials.wechat;
  assert.equal(req.method, 'POST');
  assert.match(String(req.headers['content-type']), /^application\/json\b/);
  assert.deepEqual(req.query, {}, 'no secret in the URL');
  assert.deepEqual(req.json, { grant_type: 'client_credential', appid, secret, force_refresh: false });
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 0);
  assert.deepEqual(only('/wxa/generate_urllink').query, { access_token: lastToken() });
});

test('urlscheme.generate, cloud-call names: jumpWxa/isExpire/expireType/expireTime/envVersion', async () => {
  const wx = wechatClient(ctx.emu);
  const expireTime = inFuture(DAY);
  await wx.urlscheme.generate({
    jumpWxa: { path: 'pages/publishHomework/publishHomework', query: 'a=1&b=2', envVersion: 'trial' },
    isExpire: true,
    expireType: 0,
    expireTime,
  });
  const req = linkRequest('/wxa/generatescheme');
  assert.deepEqual(req.json, {
    jump_wxa: { path: 'pages/publishHomework/publishHomework', query: 'a=1&b=2', env_version: 'trial' },
    is_expire: true,
    expire_type: 0,
    expire_time: expireTime,
  });
});

test('urlscheme.generate, HTTPS names: jump_wxa/is_expire/expire_type/expire_interval/env_version', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urlscheme.generate({
    jump_wxa: { path: 'pages/a', query: 'x=1', env_version: 'develop' },
    is_expire: true,
    expire_type: 1,
    expire_interval: 7,
  });
  const req = linkRequest('/wxa/generatescheme');
  assert.deepEqual(req.json, {
    jump_wxa: { path: 'pages/a', query: 'x=1', env_version: 'develop' },
    is_expire: true,
    expire_type: 1,
    expire_interval: 7,
  });
});

test('urlscheme.generate: expireTime alone gets is_expire: true and expire_type: 0', async () => {
  const wx = wechatClient(ctx.emu);
  const expireTime = inFuture(3600);
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' }, expireTime });
  assert.deepEqual(linkRequest('/wxa/generatescheme').json, {
    jump_wxa: { path: 'pages/a' },
    is_expire: true,
    expire_type: 0,
    expire_time: expireTime,
  });
});

test('urlscheme.generate: expireInterval alone means expire_type: 1 (and is_expire: true)', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' }, expireInterval: 30 });
  assert.deepEqual(linkRequest('/wxa/generatescheme').json, {
    jump_wxa: { path: 'pages/a' },
    is_expire: true,
    expire_type: 1,
    expire_interval: 30,
  });
});

test('urlscheme.generate: with no expiry field, the platform\'s default is sent explicitly (the pages mark expire_type required)', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a', query: '' } });
  assert.deepEqual(linkRequest('/wxa/generatescheme').json, {
    jump_wxa: { path: 'pages/a', query: '' },
    is_expire: true,
    expire_type: 1,
    expire_interval: 30,
  });
});

test('urlscheme.generate: a Date expireTime is sent as whole Unix seconds', async () => {
  const wx = wechatClient(ctx.emu);
  const at = new Date(Date.now() + 2 * 3600 * 1000 + 999);
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' }, expireTime: at });
  const body = linkRequest('/wxa/generatescheme').json;
  assert.equal(body.expire_time, Math.floor(at.getTime() / 1000));
  assert.ok(Number.isInteger(body.expire_time));
  assert.equal(body.expire_type, 0);
  assert.equal(body.is_expire, true);
});

test('urlscheme.generate: an object query is encoded in key order (id=5&name=x%20y)', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a', query: { id: 5, name: 'x y' } } });
  assert.equal(linkRequest('/wxa/generatescheme').json.jump_wxa.query, 'id=5&name=x%20y');
});

test('an object query keeps the caller\'s key order and encodes each part', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urllink.generate({ path: 'pages/a', query: { z: 'last?', a: true, 'k&y': '你' } });
  assert.equal(linkRequest('/wxa/generate_urllink').json.query, 'z=last%3F&a=true&k%26y=%E4%BD%A0');
});

test('urllink.generate, cloud-call names with cloudBase → cloud_base with resource_appid', async () => {
  const wx = wechatClient(ctx.emu);
  const expireTime = inFuture(5 * DAY);
  await wx.urllink.generate({
    path: '/pages/publishHomework/publishHomework',
    query: 'a=1',
    envVersion: 'release',
    isExpire: true,
    expireType: 0,
    expireTime,
    cloudBase: { env: 'xxx', domain: 'xxx.xx', path: '/jump-wxa.html', query: 'a=1&b=2', resourceAppid: 'wxresource01' },
  });
  assert.deepEqual(linkRequest('/wxa/generate_urllink').json, {
    path: '/pages/publishHomework/publishHomework',
    query: 'a=1',
    env_version: 'release',
    is_expire: true,
    expire_type: 0,
    expire_time: expireTime,
    cloud_base: { env: 'xxx', domain: 'xxx.xx', path: '/jump-wxa.html', query: 'a=1&b=2', resource_appid: 'wxresource01' },
  });
});

test('urllink.generate, HTTPS names: env_version/expire_type/expire_interval/cloud_base', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urllink.generate({
    path: 'pages/a',
    env_version: 'trial',
    expire_type: 1,
    expire_interval: 1,
    cloud_base: { env: 'e', resource_appid: 'wxres' },
  });
  assert.deepEqual(linkRequest('/wxa/generate_urllink').json, {
    path: 'pages/a',
    env_version: 'trial',
    expire_type: 1,
    expire_interval: 1,
    cloud_base: { env: 'e', resource_appid: 'wxres' },
  });
});

test('urllink.generate: expireTime alone → expire_type: 0 (no is_expire on a URL Link)', async () => {
  const wx = wechatClient(ctx.emu);
  const expireTime = inFuture(600);
  await wx.urllink.generate({ path: 'pages/a', expireTime });
  assert.deepEqual(linkRequest('/wxa/generate_urllink').json, { path: 'pages/a', expire_type: 0, expire_time: expireTime });
});

test('urllink.generate: expireInterval alone → expire_type: 1; no expiry → the platform\'s default, 30 days', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urllink.generate({ path: 'pages/a', expireInterval: 2 });
  await wx.urllink.generate({ path: 'pages/b' });
  const [first, second] = requestsTo(ctx.emu, '/wxa/generate_urllink');
  assert.deepEqual(first.json, { path: 'pages/a', expire_type: 1, expire_interval: 2 });
  assert.deepEqual(second.json, { path: 'pages/b', expire_type: 1, expire_interval: 30 });
});

test('shortlink.generate: pageUrl/pageTitle/isPermanent → page_url/page_title/is_permanent', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.shortlink.generate({ pageUrl: 'pages/a?query1=q1', pageTitle: 'Homework title', isPermanent: true });
  assert.deepEqual(linkRequest('/wxa/genwxashortlink').json, {
    page_url: 'pages/a?query1=q1',
    page_title: 'Homework title',
    is_permanent: true,
  });
});

test('shortlink.generate: the HTTPS names, and a long pageTitle is sent as given', async () => {
  const wx = wechatClient(ctx.emu);
  const title = 't'.repeat(40);
  await wx.shortlink.generate({ page_url: 'pages/a', page_title: title, is_permanent: false });
  assert.deepEqual(linkRequest('/wxa/genwxashortlink').json, { page_url: 'pages/a', page_title: title, is_permanent: false });
});

test('urlscheme.query: POST /wxa/queryscheme {scheme, query_type}', async () => {
  const wx = wechatClient(ctx.emu);
  const scheme = 'weixin://dl/business/?t=doesnotexist';
  await wx.urlscheme.query({ scheme, queryType: 1 }).catch(() => {});
  assert.deepEqual(linkRequest('/wxa/queryscheme').json, { scheme, query_type: 1 });
});

test('urllink.query: POST /wxa/query_urllink {url_link}', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.urllink.query({ urlLink: 'https://wxaurl.cn/none' }).catch(() => {});
  assert.deepEqual(linkRequest('/wxa/query_urllink').json, { url_link: 'https://wxaurl.cn/none' });
});

test('every link method reuses the one token on its own path', async () => {
  const wx = wechatClient(ctx.emu);
  const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
  await wx.shortlink.generate({ pageUrl: 'pages/a' });
  await wx.urlscheme.query({ scheme: openlink }).catch(() => {});
  await wx.urllink.query({ urlLink }).catch(() => {});
  const token = lastToken();
  assert.deepEqual(
    ctx.emu.requests.map((r) => [r.method, r.path, r.query]),
    [
      ['GET', '/cgi-bin/token', { grant_type: 'client_credential', ...ctx.emu.credentials.wechat }],
      ['POST', '/wxa/generatescheme', { access_token: token }],
      ['POST', '/wxa/generate_urllink', { access_token: token }],
      ['POST', '/wxa/genwxashortlink', { access_token: token }],
      ['POST', '/wxa/queryscheme', { access_token: token }],
      ['POST', '/wxa/query_urllink', { access_token: token }],
    ],
  );
});

test('the expiry bounds the client accepts are the ones the platform accepts (now + 61 s, now + 30 days)', async () => {
  const wx = wechatClient(ctx.emu);
  await wx.getAccessToken();
  await awayFromSecondEdge();
  const soon = inFuture(61);
  const late = inFuture(30 * DAY);
  await wx.urlscheme.generate({ expireTime: soon });
  await wx.urllink.generate({ expireTime: late });
  assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme')[0].json.expire_time, soon);
  assert.equal(requestsTo(ctx.emu, '/wxa/generate_urllink')[0].json.expire_time, late);
});

// ---- ways to authenticate ----

test('accessToken string: sent as access_token, no token request', async () => {
  const wx = new WeChatClient({ accessToken: 'given-token-0001', baseUrl: ctx.emu.url });
  // The emulator does not know this token: whatever it answers, the request is what counts.
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } }).catch(() => {});
  const req = only('/wxa/generatescheme');
  assert.deepEqual(req.query, { access_token: 'given-token-0001' });
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 0);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/stable_token').length, 0);
});

test('accessToken string from the platform works end to end', async () => {
  const { accessToken } = await wechatClient(ctx.emu).getAccessToken();
  ctx.emu.clear();
  const wx = new WeChatClient({ accessToken, baseUrl: ctx.emu.url });
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
  assert.match(urlLink, /^https:\/\//);
  assert.deepEqual(ctx.emu.requests.map((r) => [r.path, r.query]), [['/wxa/generate_urllink', { access_token: accessToken }]]);
});

test('accessToken sync function: called per request, its value sent as access_token', async () => {
  const { accessToken } = await wechatClient(ctx.emu).getAccessToken();
  ctx.emu.clear();
  let calls = 0;
  const wx = new WeChatClient({
    accessToken: () => {
      calls++;
      return accessToken;
    },
    baseUrl: ctx.emu.url,
  });
  await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
  await wx.shortlink.generate({ pageUrl: 'pages/a' });
  assert.equal(calls, 2);
  assert.deepEqual(
    ctx.emu.requests.map((r) => [r.path, r.query]),
    [
      ['/wxa/generatescheme', { access_token: accessToken }],
      ['/wxa/genwxashortlink', { access_token: accessToken }],
    ],
  );
});

test('accessToken async function: its resolved value is sent as access_token', async () => {
  const { accessToken } = await wechatClient(ctx.emu).getAccessToken();
  ctx.emu.clear();
  const wx = new WeChatClient({
    accessToken: async () => {
      await new Promise((r) => setTimeout(r, 5));
      return accessToken;
    },
    baseUrl: ctx.emu.url,
  });
  await wx.urllink.generate({ path: 'pages/a' });
  assert.deepEqual(ctx.emu.requests.map((r) => [r.path, r.query]), [['/wxa/generate_urllink', { access_token: accessToken }]]);
});

test('an access token with URL-special characters is percent-encoded in the query', async () => {
  const token = 'a+b/c=d&e f';
  const wx = new WeChatClient({ accessToken: token, baseUrl: ctx.emu.url });
  await wx.urllink.generate({ path: 'pages/a' }).catch(() => {});
  assert.deepEqual(only('/wxa/generate_urllink').query, { access_token: token }, 'decodes back to the token');
});

test('cloudbaseAccessToken: sent as cloudbase_access_token, no access_token, no token request', async () => {
  const cloudbaseAccessToken = ctx.emu.credentials.cloudbaseAccessToken;
  const wx = new WeChatClient({ cloudbaseAccessToken, baseUrl: ctx.emu.url });
  const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
  assert.match(openlink, /^weixin:\/\//);
  assert.deepEqual(ctx.emu.requests.map((r) => [r.path, r.query]), [['/wxa/generatescheme', { cloudbase_access_token: cloudbaseAccessToken }]]);
});

test('cloudbaseAccessToken as an async function (the token file Cloud Hosting refreshes)', async () => {
  const cloudbaseAccessToken = ctx.emu.credentials.cloudbaseAccessToken;
  const wx = new WeChatClient({ cloudbaseAccessToken: async () => cloudbaseAccessToken, baseUrl: ctx.emu.url });
  await wx.urllink.generate({ path: 'pages/a' });
  assert.deepEqual(only('/wxa/generate_urllink').query, { cloudbase_access_token: cloudbaseAccessToken });
});

test('openApiService: no token parameter at all and no token request (tokenless emulator)', async () => {
  await withEmulator(async (emu) => {
    const wx = new WeChatClient({ openApiService: true, baseUrl: emu.url });
    const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
    const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
    const { link } = await wx.shortlink.generate({ pageUrl: 'pages/a' });
    assert.ok(openlink && urlLink && link);
    assert.deepEqual(
      emu.requests.map((r) => [r.method, r.path, r.query]),
      [
        ['POST', '/wxa/generatescheme', {}],
        ['POST', '/wxa/generate_urllink', {}],
        ['POST', '/wxa/genwxashortlink', {}],
      ],
    );
    assert.equal(emu.issuedTokens.length, 0);
    assert.throws(() => wx.plainScheme({ path: 'p' }), { code: 'INVALID_ARGUMENT', field: 'appid' });
  }, { tokenless: true });
});

test('openApiService: getAccessToken is refused without a request', async () => {
  const wx = new WeChatClient({ openApiService: true, baseUrl: ctx.emu.url });
  await assert.rejects(wx.getAccessToken(), { code: 'INVALID_ARGUMENT', platform: 'wechat', api: 'auth.getAccessToken' });
  assert.equal(ctx.emu.requests.length, 0);
});

test('a custom fetch receives (url, {method, headers, body, signal}) and its answer is used', async () => {
  const seen = [];
  const answer = (status, json) => ({ status, ok: status < 300, text: async () => JSON.stringify(json) });
  const fetch = async (url, init) => {
    seen.push({ url, method: init.method, headers: { ...init.headers }, body: init.body, hasSignal: !!init.signal });
    if (url.includes('/cgi-bin/token')) return answer(200, { access_token: 'FETCHED_TOKEN_1', expires_in: 7200 });
    return answer(200, { errcode: 0, errmsg: 'ok', url_link: 'https://wxaurl.cn/fromfetch' });
  };
  const wx = wechatClient(ctx.emu, { fetch });
  const result = await wx.urllink.generate({ path: 'pages/a' });
  assert.equal(result.urlLink, 'https://wxaurl.cn/fromfetch');
  const { appid, secret } = ctx.emu.credentials.wechat;
  assert.equal(seen.length, 2);
  assert.equal(seen[0].url, `${ctx.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`);
  assert.equal(seen[0].method, 'GET');
  assert.equal(seen[0].body, undefined);
  assert.equal(seen[1].url, `${ctx.emu.url}/wxa/generate_urllink?access_token=FETCHED_TOKEN_1`);
  assert.equal(seen[1].method, 'POST');
  assert.match(String(seen[1].headers['content-type']), /^application\/json/);
  assert.deepEqual(JSON.parse(seen[1].body), { path: 'pages/a', expire_type: 1, expire_interval: 30 });
  assert.ok(seen.every((s) => s.hasSignal));
  assert.equal(ctx.emu.requests.length, 0, 'everything went through the given fetch');
});

test('a baseUrl with a trailing slash gives no double slash', async () => {
  const wx = wechatClient(ctx.emu, { baseUrl: `${ctx.emu.url}/` });
  await wx.urllink.generate({ path: 'pages/a' });
  assert.deepEqual(ctx.emu.requests.map((r) => r.path), ['/cgi-bin/token', '/wxa/generate_urllink']);
});

test('urlscheme.query / urllink.query with queryType 1: no link, the body is { query_type: 1 }, the day\'s visit quota comes back', async () => {
  const wx = wechatClient(ctx.emu);
  const scheme = await wx.urlscheme.query({ queryType: 1 });
  const link = await wx.urllink.query({ query_type: 1 });
  for (const result of [scheme, link]) {
    assert.equal(typeof result.quotaInfo.remainVisitQuota, 'number');
    assert.equal(result.schemeInfo, undefined);
  }
  assert.deepEqual(linkRequest('/wxa/queryscheme').json, { query_type: 1 });
  assert.deepEqual(linkRequest('/wxa/query_urllink').json, { query_type: 1 });
  // queryType 0 (the default) still needs the link, and nothing is sent without it.
  for (const [call, field] of [[() => wx.urlscheme.query({ queryType: 0 }), 'scheme'], [() => wx.urllink.query({}), 'urlLink']]) {
    await assert.rejects(call(), (err) => err.code === 'INVALID_ARGUMENT' && err.field === field);
  }
  assert.equal(requestsTo(ctx.emu, '/wxa/queryscheme').length, 1);
});
