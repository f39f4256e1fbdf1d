'use strict';
// Checks the emulator itself: every route's success and errors, each fault kind,
// token overlap, stable_token, the control surface, the CLI and a prompt close().
// No test framework (it must run on Node 16 as well): `node js-tests/emulator/selfcheck.cjs`.

const assert = require('assert');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { startEmulator } = require('./index.cjs');

const agent = new http.Agent({ keepAlive: true });

// A tiny client: { status, headers, text, json } or a rejection on a network error.
function request(base, method, urlPath, opts) {
  const o = opts || {};
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, base);
    if (o.query) for (const [k, v] of Object.entries(o.query)) url.searchParams.set(k, v);
    let body = o.raw;
    const headers = Object.assign({}, o.headers);
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      if (!('content-type' in headers)) headers['content-type'] = 'application/json';
    }
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = http.request(url, { method, headers, agent: o.agent === undefined ? agent : o.agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch (_) {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.abortAfterMs !== undefined) setTimeout(() => req.destroy(new Error('aborted by test')), o.abortAfterMs);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowS = () => Math.floor(Date.now() / 1000);

async function wxToken(emu) {
  const c = emu.credentials.wechat;
  const r = await request(emu.url, 'GET', '/cgi-bin/token', {
    query: { grant_type: 'client_credential', appid: c.appid, secret: c.secret },
  });
  assert.strictEqual(r.status, 200);
  assert.ok(r.json.access_token, r.text);
  return r.json.access_token;
}

function wxPost(emu, route, token, body, extra) {
  const query = token === undefined ? {} : { access_token: token };
  return request(emu.url, 'POST', route, Object.assign({ query, json: body }, extra));
}

async function dyToken(emu) {
  const c = emu.credentials.douyin;
  const r = await request(emu.url, 'POST', '/api/apps/v2/token', {
    json: { appid: c.appid, secret: c.secret, grant_type: 'client_credential' },
  });
  assert.strictEqual(r.json.err_no, 0, r.text);
  return r.json.data.access_token;
}

function dyLinkBody(emu, token, extra) {
  return Object.assign(
    { access_token: token, ma_app_id: emu.credentials.douyin.appid, app_name: 'douyin', path: 'pages/index', query: '{"id":"1"}', expire_time: nowS() + 3600 },
    extra
  );
}

async function dyV2Token(emu) {
  const c = emu.credentials.douyin;
  const r = await request(emu.url, 'POST', '/oauth/client_token/', {
    json: { client_key: c.appid, client_secret: c.secret, grant_type: 'client_credential' },
  });
  assert.strictEqual(r.json.data.error_code, 0, r.text);
  return r.json.data.access_token;
}

function dyV2Post(emu, route, token, body) {
  return request(emu.url, 'POST', route, { json: body, headers: { 'access-token': token } });
}

const errcode = (r) => r.json && r.json.errcode;

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// Runs fn with a fresh emulator and always closes it.
async function withEmu(options, fn) {
  const emu = await startEmulator(options);
  try {
    await fn(emu);
    assert.deepStrictEqual(emu.errors, [], 'no exception inside a handler');
  } finally {
    await emu.close();
  }
}

// ---------------------------------------------------------------- WeChat tokens

check('wechat GET /cgi-bin/token issues a fresh realistic token each call', () =>
  withEmu({}, async (emu) => {
    const c = emu.credentials.wechat;
    assert.strictEqual(c.appid, 'wxemulator0000001');
    assert.match(c.secret, /^[0-9a-f]{32}$/);
    const r = await request(emu.url, 'GET', '/cgi-bin/token', {
      query: { grant_type: 'client_credential', appid: c.appid, secret: c.secret },
    });
    assert.strictEqual(r.status, 200);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.strictEqual(r.json.expires_in, 7200);
    assert.match(r.json.access_token, /^[A-Za-z0-9_-]{40,}$/);
    assert.ok(!r.json.access_token.includes(c.secret));
    const t2 = await wxToken(emu);
    assert.notStrictEqual(t2, r.json.access_token);
    assert.deepStrictEqual(emu.issuedTokens, [r.json.access_token, t2]);
    const rec = emu.requests[0];
    assert.strictEqual(rec.method, 'GET');
    assert.strictEqual(rec.path, '/cgi-bin/token');
    assert.deepStrictEqual(rec.query, { grant_type: 'client_credential', appid: c.appid, secret: c.secret });
    assert.strictEqual(rec.body, '');
    assert.strictEqual(rec.json, undefined);
    assert.strictEqual(typeof rec.time, 'number');
    assert.ok(rec.headers.host);
  })
);

check('wechat token errors: 40002, 40013, 40125', () =>
  withEmu({}, async (emu) => {
    const c = emu.credentials.wechat;
    const get = (q) => request(emu.url, 'GET', '/cgi-bin/token', { query: q });
    assert.strictEqual(errcode(await get({ grant_type: 'password', appid: c.appid, secret: c.secret })), 40002);
    assert.strictEqual(errcode(await get({ grant_type: 'client_credential', appid: 'wx0000', secret: c.secret })), 40013);
    const bad = await get({ grant_type: 'client_credential', appid: c.appid, secret: 'f'.repeat(32) });
    assert.deepStrictEqual(bad.json, { errcode: 40125, errmsg: 'invalid appsecret' });
    assert.strictEqual(bad.status, 200);
    assert.deepStrictEqual(emu.issuedTokens, []);
  })
);

check('wechat token overlap: the old token works for overlapMs, then 40001', () =>
  withEmu({ overlapMs: 100 }, async (emu) => {
    const t1 = await wxToken(emu);
    const t2 = await wxToken(emu);
    const body = { jump_wxa: { path: 'pages/index' } };
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t1, body)), 0);
    await sleep(150);
    const r = await wxPost(emu, '/wxa/generatescheme', t1, body);
    assert.deepStrictEqual(r.json, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t2, body)), 0);
  })
);

check('wechat tokens expire after tokenTtlSeconds (42001)', () =>
  withEmu({ tokenTtlSeconds: 0.05 }, async (emu) => {
    const t = await wxToken(emu);
    await sleep(80);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 42001);
  })
);

check('wechat stable_token: same token for everyone, force_refresh rotates with overlap, errors', () =>
  withEmu({ overlapMs: 50 }, async (emu) => {
    const c = emu.credentials.wechat;
    const body = { grant_type: 'client_credential', appid: c.appid, secret: c.secret };
    const a = await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: body });
    const b = await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: Object.assign({ force_refresh: false }, body) });
    assert.strictEqual(a.json.expires_in, 7200);
    assert.ok(b.json.expires_in <= 7200 && b.json.expires_in > 7190);
    assert.strictEqual(a.json.access_token, b.json.access_token);
    // GET /cgi-bin/token does not disturb the stable token.
    await wxToken(emu);
    const again = await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: body });
    assert.strictEqual(again.json.access_token, a.json.access_token);
    const f = await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: Object.assign({ force_refresh: true }, body) });
    assert.notStrictEqual(f.json.access_token, a.json.access_token);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', a.json.access_token, {})), 0);
    await sleep(80);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', a.json.access_token, {})), 40001);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', f.json.access_token, {})), 0);
    // After expireTokens() the stable endpoint hands out a new one.
    emu.expireTokens();
    const n = await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: body });
    assert.notStrictEqual(n.json.access_token, f.json.access_token);
    const notJson = await request(emu.url, 'POST', '/cgi-bin/stable_token', { raw: 'grant_type=client_credential', headers: { 'content-type': 'application/json' } });
    assert.deepStrictEqual(notJson.json, { errcode: 47001, errmsg: 'data format error' });
    const badSecret = await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: Object.assign({}, body, { secret: 'x' }) });
    assert.strictEqual(errcode(badSecret), 40125);
  })
);

check('stable_token force_refresh spacing when forceRefreshMinIntervalMs is set (45011)', () =>
  withEmu({ forceRefreshMinIntervalMs: 30000 }, async (emu) => {
    const c = emu.credentials.wechat;
    const body = { grant_type: 'client_credential', appid: c.appid, secret: c.secret, force_refresh: true };
    assert.ok((await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: body })).json.access_token);
    assert.strictEqual(errcode(await request(emu.url, 'POST', '/cgi-bin/stable_token', { json: body })), 45011);
  })
);

// ---------------------------------------------------------------- WeChat links

check('wechat generatescheme + queryscheme', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    const expire = nowS() + 3600;
    const r = await wxPost(emu, '/wxa/generatescheme', t, {
      jump_wxa: { path: '/pages/a', query: 'a=1&b=`x`', env_version: 'trial' },
      is_expire: true,
      expire_type: 0,
      expire_time: expire,
    });
    assert.strictEqual(r.json.errcode, 0, r.text);
    assert.strictEqual(r.json.errmsg, 'ok');
    assert.match(r.json.openlink, /^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]{13}$/);
    assert.strictEqual(emu.linkCount(), 1);
    const rec = emu.requests[emu.requests.length - 1];
    assert.strictEqual(rec.query.access_token, t);
    assert.strictEqual(rec.json.expire_time, expire);
    assert.strictEqual(rec.headers['content-type'], 'application/json');
    const q = await wxPost(emu, '/wxa/queryscheme', t, { scheme: r.json.openlink });
    assert.strictEqual(q.json.errcode, 0, q.text);
    const info = q.json.scheme_info;
    assert.deepStrictEqual(
      { appid: info.appid, path: info.path, query: info.query, expire_time: info.expire_time, env_version: info.env_version },
      { appid: emu.credentials.wechat.appid, path: '/pages/a', query: 'a=1&b=`x`', expire_time: expire, env_version: 'trial' }
    );
    assert.strictEqual(typeof info.create_time, 'number');
    assert.strictEqual(q.json.visit_openid, '');
    assert.deepStrictEqual(q.json.scheme_quota, { long_time_used: 0, long_time_limit: 100000 });
    // expire_type 1 and "no expiry" both work; the latter counts as long-time.
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, { is_expire: true, expire_type: 1, expire_interval: 30 })), 0);
    const perm = await wxPost(emu, '/wxa/generatescheme', t, { jump_wxa: { path: 'p' } });
    const pq = await wxPost(emu, '/wxa/queryscheme', t, { scheme: perm.json.openlink });
    assert.strictEqual(pq.json.scheme_quota.long_time_used, 1);
    assert.strictEqual(pq.json.scheme_info.env_version, 'release');
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/queryscheme', t, { scheme: 'weixin://dl/business/?t=nope' })), 40097);
  })
);

check('wechat generatescheme refuses what the platform refuses', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    const gen = (body) => wxPost(emu, '/wxa/generatescheme', t, body).then(errcode);
    const later = nowS() + 3600;
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', undefined, {})), 41001);
    assert.deepStrictEqual((await wxPost(emu, '/wxa/generatescheme', undefined, {})).json.errmsg, 'access_token missing');
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', 'bogus-token', {})), 40001);
    assert.strictEqual(await gen({ jump_wxa: { path: 'pages/a?x=1' } }), 40165);
    assert.strictEqual(await gen({ jump_wxa: { query: 'a=<b>' } }), 40212);
    assert.strictEqual(await gen({ jump_wxa: { query: 'a'.repeat(1025) } }), 40212);
    assert.strictEqual(await gen({ jump_wxa: { query: 'a'.repeat(1024) } }), 0);
    assert.strictEqual(await gen({ jump_wxa: { query: "!#$&'()*+,/:;=?@-._~%`09azAZ" } }), 0);
    assert.strictEqual(await gen({ jump_wxa: { env_version: 'beta' } }), 85402);
    assert.strictEqual(await gen({ is_expire: true, expire_time: nowS() + 30 }), 85401);
    assert.strictEqual(await gen({ is_expire: true, expire_time: nowS() + 31 * 86400 }), 85401);
    assert.strictEqual(await gen({ is_expire: true, expire_time: Date.now() + 3600000 }), 85401); // milliseconds
    assert.strictEqual(await gen({ is_expire: true, expire_time: nowS() + 30 * 86400 - 5 }), 0);
    assert.strictEqual(await gen({ is_expire: true }), 85401); // expire_type 0 needs expire_time
    assert.strictEqual(await gen({ is_expire: true, expire_type: 1, expire_interval: 31 }), 85401);
    assert.strictEqual(await gen({ is_expire: true, expire_type: 1, expire_interval: 1.5 }), 85401);
    assert.strictEqual(await gen({ is_expire: true, expire_type: 2, expire_time: later }), 85401);
    assert.strictEqual(await gen({ isExpire: true, expireTime: later }), 47001); // camelCase
    assert.strictEqual(await gen({ jump_wxa: { envVersion: 'trial' } }), 47001);
    assert.strictEqual(await gen({ jump_wxa: { path: null } }), 47001);
    assert.strictEqual(await gen({ is_expire: 'true' }), 47001);
    assert.strictEqual(await gen([1]), 47001);
    const notJson = await request(emu.url, 'POST', '/wxa/generatescheme', { query: { access_token: t }, raw: 'jump_wxa=1' });
    assert.strictEqual(errcode(notJson), 47001);
    assert.match(notJson.headers['x-emulator-hint'], /not a JSON object/);
  })
);

check('wechat expireTokens() -> 42001, revokeToken() -> 40001', () =>
  withEmu({}, async (emu) => {
    const t1 = await wxToken(emu);
    const t2 = await wxToken(emu);
    assert.strictEqual(emu.revokeToken(t2), true);
    assert.strictEqual(emu.revokeToken('never-issued'), false);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t2, {})), 40001);
    emu.expireTokens();
    const r = await wxPost(emu, '/wxa/generate_urllink', t1, {});
    assert.deepStrictEqual(r.json, { errcode: 42001, errmsg: 'access_token expired' });
    const t3 = await wxToken(emu);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t3, {})), 0);
  })
);

check('wechat cloudbase_access_token and tokenless mode', async () => {
  await withEmu({}, async (emu) => {
    const good = await request(emu.url, 'POST', '/wxa/genwxashortlink', {
      query: { cloudbase_access_token: emu.credentials.cloudbaseAccessToken },
      json: { page_url: 'pages/a?x=1' },
    });
    assert.strictEqual(errcode(good), 0, good.text);
    const bad = await request(emu.url, 'POST', '/wxa/genwxashortlink', { query: { cloudbase_access_token: 'nope' }, json: { page_url: 'p' } });
    assert.strictEqual(errcode(bad), 40001);
  });
  await withEmu({ tokenless: true }, async (emu) => {
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', undefined, {})), 0);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', 'bogus', {})), 40001); // a token sent is still checked
  });
});

check('wechat generate_urllink + query_urllink, cloud_base checks', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    const r = await wxPost(emu, '/wxa/generate_urllink', t, {
      path: 'pages/a',
      query: 'x=1',
      env_version: 'develop',
      is_expire: true,
      expire_type: 1,
      expire_interval: 2,
      cloud_base: { env: 'env-1', domain: 'd.example', path: '/jump.html', query: 'a=1' },
    });
    assert.strictEqual(errcode(r), 0, r.text);
    assert.match(r.json.url_link, /^https:\/\/wxaurl\.cn\/[A-Za-z0-9]+$/);
    const q = await wxPost(emu, '/wxa/query_urllink', t, { url_link: r.json.url_link });
    assert.strictEqual(errcode(q), 0, q.text);
    const i = q.json.url_link_info;
    assert.strictEqual(i.path, 'pages/a');
    assert.strictEqual(i.query, 'x=1');
    assert.strictEqual(i.env_version, 'develop');
    assert.strictEqual(i.expire_time - i.create_time, 2 * 86400);
    assert.deepStrictEqual(i.cloud_base, { env: 'env-1', domain: 'd.example', path: '/jump.html', query: 'a=1', resource_appid: '' });
    assert.deepStrictEqual(q.json.url_link_quota, { long_time_used: 0, long_time_limit: 100000 });
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/query_urllink', t, { url_link: 'https://wxaurl.cn/none' })), 40097);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t, { cloud_base: { path: '/x' } })), 40097);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t, { cloud_base: { env: 'e', path: '/x?y=1' } })), 40165);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t, { cloud_base: { env: 'e', query: 'a b' } })), 40212);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t, { cloudBase: { env: 'e' } })), 47001);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t, { expire_type: 0, expire_time: nowS() + 10 })), 85401);
  })
);

check('wechat genwxashortlink', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    const r = await wxPost(emu, '/wxa/genwxashortlink', t, { page_url: 'pages/a?x=1', page_title: 'a title that is longer than twenty characters', is_permanent: false });
    assert.strictEqual(errcode(r), 0, r.text);
    assert.match(r.json.link, /^#小程序:\/\/emulator\/[A-Za-z0-9]+$/);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/genwxashortlink', t, { page_title: 't' })), 40066);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/genwxashortlink', t, { page_url: 'p'.repeat(1025) })), 40066);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/genwxashortlink', t, { pageUrl: 'p' })), 47001);
  })
);

check('rate limits: 44990 past 100/s (scheme) and 200/s (urllink), 12020 for Douyin', () => {
  const fixed = Date.now();
  return withEmu({ rateLimits: true, now: () => fixed }, async (emu) => {
    const t = await wxToken(emu);
    const many = (n, fn) => Promise.all(Array.from({ length: n }, fn));
    const s = await many(101, () => wxPost(emu, '/wxa/generatescheme', t, {}).then(errcode));
    assert.strictEqual(s.filter((c) => c === 0).length, 100);
    assert.strictEqual(s.filter((c) => c === 44990).length, 1);
    const u = await many(201, () => wxPost(emu, '/wxa/generate_urllink', t, {}).then(errcode));
    assert.strictEqual(u.filter((c) => c === 44990).length, 1);
    const dt = await dyToken(emu);
    const d = await many(101, () => request(emu.url, 'POST', '/api/apps/url_link/generate', { json: dyLinkBody(emu, dt, { expire_time: Math.floor(fixed / 1000) + 3600 }) }).then((r) => r.json.err_no));
    assert.strictEqual(d.filter((c) => c === 12020).length, 1);
  });
});

check('rate limits are off by default', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    const s = await Promise.all(Array.from({ length: 150 }, () => wxPost(emu, '/wxa/generatescheme', t, {}).then(errcode)));
    assert.ok(s.every((c) => c === 0));
  })
);

check('dailyQuota: 45009 / 44993 / 12021 / 28003017 once used up', () =>
  withEmu({ dailyQuota: 2 }, async (emu) => {
    const t = await wxToken(emu);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 0);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/genwxashortlink', t, { page_url: 'p' })), 0);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 45009);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/genwxashortlink', t, { page_url: 'p' })), 45009);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generate_urllink', t, {})), 44993);
    const dt = await dyToken(emu);
    const d = await request(emu.url, 'POST', '/api/apps/url_link/generate', { json: dyLinkBody(emu, dt) });
    assert.strictEqual(d.json.err_no, 12021);
    const v2 = await dyV2Token(emu);
    const g = await dyV2Post(emu, '/api/apps/v1/url_link/generate/', v2, { app_id: emu.credentials.douyin.appid, app_name: 'douyin', expire_time: nowS() + 60 });
    assert.strictEqual(g.json.err_no, 28003017);
    assert.strictEqual(emu.linkCount(), 2);
  })
);

// ---------------------------------------------------------------- Douyin, first generation

check('douyin v1 token: success, 40015, 40017, 40020, overlap', () =>
  withEmu({ overlapMs: 50 }, async (emu) => {
    const c = emu.credentials.douyin;
    assert.strictEqual(c.appid, 'ttemulator000001');
    const post = (b) => request(emu.url, 'POST', '/api/apps/v2/token', { json: b });
    const ok = await post({ appid: c.appid, secret: c.secret, grant_type: 'client_credential' });
    assert.strictEqual(ok.json.err_no, 0);
    assert.strictEqual(ok.json.err_tips, 'success');
    assert.strictEqual(ok.json.data.expires_in, 7200);
    assert.ok(ok.json.data.access_token.length >= 40);
    assert.deepStrictEqual((await post({ appid: 'tt1', secret: c.secret, grant_type: 'client_credential' })).json, { err_no: 40015, err_tips: 'bad appid', data: {} });
    assert.strictEqual((await post({ appid: c.appid, secret: 'x', grant_type: 'client_credential' })).json.err_no, 40017);
    assert.strictEqual((await post({ appid: c.appid, secret: c.secret, grant_type: 'authorization_code' })).json.err_no, 40020);
    const t2 = await dyToken(emu);
    const gen = (tok) => request(emu.url, 'POST', '/api/apps/url_link/generate', { json: dyLinkBody(emu, tok) }).then((r) => r.json.err_no);
    assert.strictEqual(await gen(ok.json.data.access_token), 0);
    await sleep(80);
    assert.strictEqual(await gen(ok.json.data.access_token), 12024);
    assert.strictEqual(await gen(t2), 0);
  })
);

check('douyin v1 url_link/generate: success and refusals', () =>
  withEmu({}, async (emu) => {
    const t = await dyToken(emu);
    const gen = (extra, opts) => request(emu.url, 'POST', '/api/apps/url_link/generate', Object.assign({ json: dyLinkBody(emu, t, extra) }, opts));
    const r = await gen({});
    assert.deepStrictEqual(Object.keys(r.json).sort(), ['err_no', 'err_tips', 'url_link']);
    assert.strictEqual(r.json.err_no, 0);
    assert.match(r.json.url_link, /^https:\/\/z\.douyin\.com\/[A-Za-z0-9]{7}$/);
    assert.match(r.headers['content-type'], /^application\/json/);
    const no = async (extra, opts) => (await gen(extra, opts)).json.err_no;
    assert.strictEqual(await no({}, { headers: { 'content-type': 'text/plain' } }), 12018);
    assert.strictEqual(await no({}, { headers: { 'content-type': 'application/json; charset=utf-8' } }), 0);
    assert.strictEqual(await no({ access_token: 'bogus' }), 12024);
    assert.strictEqual(await no({ ma_app_id: 'tt0' }), 1);
    assert.strictEqual(await no({ app_name: 'toutiao' }), 1);
    assert.strictEqual(await no({ path: 'pages/a?x=1' }), 1);
    assert.strictEqual(await no({ query: 'id=1' }), 12018);
    assert.strictEqual(await no({ query: '[1]' }), 12018);
    assert.strictEqual(await no({ query: JSON.stringify({ a: 'x'.repeat(1020) }) }), 12018);
    assert.strictEqual(await no({ expire_time: nowS() - 10 }), 12019);
    assert.strictEqual(await no({ expire_time: nowS() + 181 * 86400 }), 12019);
    assert.strictEqual(await no({ expire_time: nowS() + 179 * 86400 }), 0);
    assert.strictEqual(await no({ expireTime: nowS() + 60 }), 12018);
    emu.expireTokens();
    assert.strictEqual(await no({}), 12025);
  })
);

// ---------------------------------------------------------------- Douyin, second generation

check('douyin v2 client_token, url_link generate / query_info / query_quota', () =>
  withEmu({}, async (emu) => {
    const c = emu.credentials.douyin;
    const tok = await request(emu.url, 'POST', '/oauth/client_token/', { json: { client_key: c.appid, client_secret: c.secret, grant_type: 'client_credential' } });
    assert.strictEqual(tok.json.message, 'success');
    assert.match(tok.json.data.access_token, /^clt\./);
    assert.strictEqual(tok.json.data.expires_in, 7200);
    assert.strictEqual(tok.json.data.description, '');
    const badKey = await request(emu.url, 'POST', '/oauth/client_token/', { json: { client_key: 'x', client_secret: c.secret, grant_type: 'client_credential' } });
    assert.strictEqual(badKey.json.data.error_code, 10013);
    assert.strictEqual(badKey.json.message, 'error');
    const missing = await request(emu.url, 'POST', '/oauth/client_token/', { json: { client_key: c.appid } });
    assert.strictEqual(missing.json.data.error_code, 10002);
    const form = await request(emu.url, 'POST', '/oauth/client_token/', {
      raw: `client_key=${c.appid}&client_secret=${c.secret}&grant_type=client_credential`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.strictEqual(form.json.data.error_code, 0);

    const t = form.json.data.access_token;
    const body = { app_id: c.appid, app_name: 'toutiao', path: 'pages/x', query: '{"a":1}', expire_time: nowS() + 3600 };
    const g = await dyV2Post(emu, '/api/apps/v1/url_link/generate/', t, body);
    assert.strictEqual(g.json.err_no, 0, g.text);
    assert.strictEqual(g.json.err_msg, '');
    assert.ok(g.json.log_id.length >= 20);
    assert.match(g.json.data.url_link, /^https:\/\/z\.douyin\.com\/[A-Za-z0-9]{7}$/);
    // The old token still works within the overlap (5 min by default).
    assert.strictEqual((await dyV2Post(emu, '/api/apps/v1/url_link/generate/', tok.json.data.access_token, body)).json.err_no, 0);

    const bad = await dyV2Post(emu, '/api/apps/v1/url_link/generate/', 'clt.bogus', body);
    assert.strictEqual(bad.json.err_no, 28001003);
    assert.ok(bad.json.log_id.length >= 20);
    assert.strictEqual((await dyV2Post(emu, '/api/apps/v1/url_link/generate/', t, Object.assign({}, body, { app_name: 'weibo' }))).json.err_no, 28005001);
    assert.strictEqual((await dyV2Post(emu, '/api/apps/v1/url_link/generate/', t, Object.assign({}, body, { query: 'a=1' }))).json.err_no, 28005001);
    // A first-generation token is no good here.
    assert.strictEqual((await dyV2Post(emu, '/api/apps/v1/url_link/generate/', await dyToken(emu), body)).json.err_no, 28001003);

    const qi = await dyV2Post(emu, '/api/apps/v1/url_link/query_info/', t, { app_id: c.appid, url_link: g.json.data.url_link });
    assert.strictEqual(qi.json.err_no, 0, qi.text);
    assert.deepStrictEqual(qi.json.data, { app_name: 'toutiao', path: 'pages/x', query: '{"a":1}', create_time: qi.json.data.create_time, expire_time: body.expire_time });
    const unknown = await dyV2Post(emu, '/api/apps/v1/url_link/query_info/', t, { app_id: c.appid, url_link: 'https://z.douyin.com/zzzzzzz' });
    assert.strictEqual(unknown.json.err_no, 28005002);
    const qq = await dyV2Post(emu, '/api/apps/v1/url_link/query_quota/', t, { app_id: c.appid });
    assert.deepStrictEqual(qq.json.data, { url_link_used: 2, url_link_limit: 500000 });
    emu.expireTokens();
    assert.strictEqual((await dyV2Post(emu, '/api/apps/v1/url_link/query_quota/', t, { app_id: c.appid })).json.err_no, 28001003);
  })
);

// ---------------------------------------------------------------- faults

check('fault errcode (with times and echoToken) on each platform shape', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    emu.inject({ route: '/wxa/generatescheme', kind: 'errcode', errcode: -1, errmsg: 'system error', times: 2, echoToken: true });
    const a = await wxPost(emu, '/wxa/generatescheme', t, {});
    assert.strictEqual(a.json.errcode, -1);
    assert.ok(a.json.errmsg.startsWith('system error'));
    assert.ok(a.json.errmsg.includes(t), 'echoToken puts the token in errmsg');
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), -1);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 0);
    emu.inject({ route: '/wxa/generate_urllink', kind: 'errcode', errcode: 85079 });
    assert.deepStrictEqual((await wxPost(emu, '/wxa/generate_urllink', t, {})).json, { errcode: 85079, errmsg: 'miniprogram has no online release' });
    emu.inject({ route: '/cgi-bin/token', kind: 'errcode', errcode: 40001, echoToken: true });
    const c = emu.credentials.wechat;
    const leak = await request(emu.url, 'GET', '/cgi-bin/token', { query: { grant_type: 'client_credential', appid: c.appid, secret: c.secret } });
    assert.ok(leak.json.errmsg.includes(c.secret), 'on token routes echoToken echoes the secret');

    const dt = await dyToken(emu);
    emu.inject({ route: '/api/apps/url_link/generate', kind: 'errcode', errcode: 12020, echoToken: true });
    const d = await request(emu.url, 'POST', '/api/apps/url_link/generate', { json: dyLinkBody(emu, dt) });
    assert.strictEqual(d.json.err_no, 12020);
    assert.ok(d.json.err_tips.includes(dt));
    const v2 = await dyV2Token(emu);
    emu.inject({ route: '/api/apps/v1/url_link/generate/', kind: 'errcode', errcode: 28003018, errmsg: 'too fast' });
    const g = await dyV2Post(emu, '/api/apps/v1/url_link/generate/', v2, { app_id: emu.credentials.douyin.appid, app_name: 'douyin', expire_time: nowS() + 60 });
    assert.strictEqual(g.json.err_no, 28003018);
    assert.strictEqual(g.json.err_msg, 'too fast');
    assert.ok(g.json.log_id.length >= 20);
    emu.inject({ route: '/oauth/client_token/', kind: 'errcode', errcode: 10013 });
    const ct = await request(emu.url, 'POST', '/oauth/client_token/', { json: {} });
    assert.strictEqual(ct.json.data.error_code, 10013);
  })
);

check('fault http500 / status 502: HTML body', () =>
  withEmu({}, async (emu) => {
    emu.inject({ route: '/wxa/generatescheme', kind: 'http500' });
    emu.inject({ route: '/wxa/generatescheme', kind: 'http500', status: 502 });
    const a = await wxPost(emu, '/wxa/generatescheme', 'x', {});
    assert.strictEqual(a.status, 500);
    assert.match(a.headers['content-type'], /^text\/html/);
    assert.strictEqual(a.text, '<html><body><h1>500 Internal Server Error</h1></body></html>');
    const b = await wxPost(emu, '/wxa/generatescheme', 'x', {});
    assert.strictEqual(b.status, 502);
    assert.strictEqual(b.text, '<html><body><h1>502 Bad Gateway</h1></body></html>');
  })
);

check('fault truncated / empty: 200, JSON content type, unparseable body', () =>
  withEmu({}, async (emu) => {
    emu.inject({ route: '*', kind: 'truncated' });
    emu.inject({ route: '*', kind: 'empty' });
    const a = await wxPost(emu, '/wxa/generatescheme', 'x', {});
    assert.strictEqual(a.status, 200);
    assert.match(a.headers['content-type'], /^application\/json/);
    assert.strictEqual(a.text, '{"errcode":0,"errmsg":"ok","openl');
    assert.strictEqual(a.json, undefined);
    const b = await request(emu.url, 'POST', '/api/apps/url_link/generate', { json: {} });
    assert.strictEqual(b.status, 200);
    assert.strictEqual(b.text, '');
    assert.strictEqual(emu.linkCount(), 0);
  })
);

check('fault delay: answers late; an aborted client does not crash it or get a link', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    emu.inject({ route: '/wxa/generatescheme', kind: 'delay', ms: 120 });
    const start = Date.now();
    const r = await wxPost(emu, '/wxa/generatescheme', t, {});
    assert.ok(Date.now() - start >= 110);
    assert.strictEqual(errcode(r), 0);
    emu.inject({ route: '/wxa/generatescheme', kind: 'delay', ms: 150 });
    await assert.rejects(wxPost(emu, '/wxa/generatescheme', t, {}, { abortAfterMs: 30, agent: false }), /aborted by test/);
    await sleep(200);
    assert.strictEqual(emu.linkCount(), 1);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 0);
  })
);

check('fault reset: the connection drops without an answer', () =>
  withEmu({}, async (emu) => {
    emu.inject({ route: '/wxa/genwxashortlink', kind: 'reset' });
    await assert.rejects(wxPost(emu, '/wxa/genwxashortlink', 'x', { page_url: 'p' }), (err) => /ECONNRESET|socket hang up/.test(`${err.code} ${err.message}`));
    const t = await wxToken(emu);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/genwxashortlink', t, { page_url: 'p' })), 0);
  })
);

check('fault expireToken: answers expired on each platform, token still good afterwards', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    emu.inject({ route: '/wxa/generatescheme', kind: 'expireToken' });
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 42001);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 0);
    const dt = await dyToken(emu);
    emu.inject({ route: '/api/apps/url_link/generate', kind: 'expireToken' });
    assert.strictEqual((await request(emu.url, 'POST', '/api/apps/url_link/generate', { json: dyLinkBody(emu, dt) })).json.err_no, 12025);
    assert.strictEqual((await request(emu.url, 'POST', '/api/apps/url_link/generate', { json: dyLinkBody(emu, dt) })).json.err_no, 0);
    const v2 = await dyV2Token(emu);
    emu.inject({ route: '/api/apps/v1/url_link/query_quota/', kind: 'expireToken' });
    assert.strictEqual((await dyV2Post(emu, '/api/apps/v1/url_link/query_quota/', v2, { app_id: emu.credentials.douyin.appid })).json.err_no, 28001003);
  })
);

check('fault raw, and inject() refuses nonsense', () =>
  withEmu({}, async (emu) => {
    emu.inject({ route: '/wxa/generatescheme', kind: 'raw', body: { errcode: 0, errmsg: 'ok' } });
    const r = await wxPost(emu, '/wxa/generatescheme', 'x', {});
    assert.deepStrictEqual(r.json, { errcode: 0, errmsg: 'ok' });
    assert.throws(() => emu.inject({ route: '/x', kind: 'explode' }), /unknown fault kind/);
    assert.throws(() => emu.inject({ kind: 'empty' }), /fault.route/);
    assert.throws(() => emu.inject({ route: '/x', kind: 'delay' }), /ms/);
  })
);

// ---------------------------------------------------------------- plumbing

check('unknown route or method -> 501 JSON; oversized body -> 413', () =>
  withEmu({}, async (emu) => {
    const r = await request(emu.url, 'GET', '/wxa/nothing');
    assert.strictEqual(r.status, 501);
    assert.deepStrictEqual(r.json, { errcode: -501, errmsg: 'emulator: unknown route GET /wxa/nothing' });
    const m = await request(emu.url, 'GET', '/wxa/generatescheme');
    assert.strictEqual(m.status, 501);
    assert.strictEqual(emu.requests.length, 2, 'unknown routes are recorded too');
    const big = await request(emu.url, 'POST', '/wxa/generatescheme', { raw: 'x'.repeat(2 * 1024 * 1024 + 1), agent: false });
    assert.strictEqual(big.status, 413);
    assert.strictEqual(emu.requests[2].bodyTooLarge, true);
  })
);

check('control surface over HTTP; clear() keeps tokens', () =>
  withEmu({}, async (emu) => {
    const t = await wxToken(emu);
    const inj = await request(emu.url, 'POST', '/__emulator/inject', { json: { route: '/wxa/generatescheme', kind: 'errcode', errcode: 44990 } });
    assert.deepStrictEqual(inj.json, { ok: true, queued: 1 });
    assert.strictEqual((await request(emu.url, 'POST', '/__emulator/inject', { json: { route: '*', kind: 'bad' } })).status, 400);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 44990);
    const reqs = await request(emu.url, 'GET', '/__emulator/requests');
    assert.deepStrictEqual(reqs.json.map((x) => x.path), ['/cgi-bin/token', '/wxa/generatescheme']);
    assert.deepStrictEqual((await request(emu.url, 'GET', '/__emulator/tokens')).json, [t]);
    const stats = await request(emu.url, 'GET', '/__emulator/stats');
    assert.deepStrictEqual(stats.json, { linkCount: 0, requests: 2, tokens: 1 });
    const held = emu.requests;
    await request(emu.url, 'POST', '/__emulator/clear');
    assert.strictEqual(held.length, 0);
    assert.strictEqual(emu.requests, held);
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 0);
    emu.clear();
    assert.deepStrictEqual(emu.requests, []);
    assert.deepStrictEqual(emu.issuedTokens, [t]);
    await request(emu.url, 'POST', '/__emulator/expire-tokens');
    assert.strictEqual(errcode(await wxPost(emu, '/wxa/generatescheme', t, {})), 42001);
  })
);

check('recorded requests are capped (oldest dropped); ridSuffix option', () =>
  withEmu({ maxRecordedRequests: 10, ridSuffix: true }, async (emu) => {
    for (let i = 0; i < 25; i++) await request(emu.url, 'POST', '/wxa/generatescheme', { query: { n: String(i) }, json: {} });
    assert.ok(emu.requests.length <= 10 && emu.requests.length >= 9);
    assert.strictEqual(emu.requests[emu.requests.length - 1].query.n, '24');
    const r = await wxPost(emu, '/wxa/generatescheme', undefined, {});
    assert.match(r.json.errmsg, /^access_token missing rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  })
);

check('unknown options are refused', async () => {
  await assert.rejects(startEmulator({ overlap: 5 }), /unknown option overlap/);
  await assert.rejects(startEmulator({ dailyQuota: -1 }), /dailyQuota/);
});

check('close() resolves promptly with an idle keep-alive socket open', async () => {
  const emu = await startEmulator({});
  const ka = new http.Agent({ keepAlive: true });
  await request(emu.url, 'GET', '/cgi-bin/token', { agent: ka });
  const start = Date.now();
  await emu.close();
  assert.ok(Date.now() - start < 1000, `close took ${Date.now() - start} ms`);
  await emu.close(); // twice is fine
  ka.destroy();
});

check('cli.cjs prints one JSON line, serves, and exits on SIGTERM', () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'cli.cjs'), '--port', '0', '--daily-quota', '1', '--rate-limits'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('cli timed out'));
    }, 10000);
    child.stdout.on('data', async (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      try {
        const info = JSON.parse(out.split('\n')[0]);
        assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.strictEqual(info.credentials.wechat.appid, 'wxemulator0000001');
        const c = info.credentials.wechat;
        const tok = await request(info.url, 'GET', '/cgi-bin/token', { query: { grant_type: 'client_credential', appid: c.appid, secret: c.secret }, agent: false });
        const t = tok.json.access_token;
        assert.strictEqual(errcode(await request(info.url, 'POST', '/wxa/generatescheme', { query: { access_token: t }, json: {}, agent: false })), 0);
        assert.strictEqual(errcode(await request(info.url, 'POST', '/wxa/generatescheme', { query: { access_token: t }, json: {}, agent: false })), 45009);
        child.kill('SIGTERM');
      } catch (err) {
        child.kill('SIGKILL');
        reject(err);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`cli exited with ${code} ${signal}`));
    });
  })
);

async function main() {
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed++;
      console.log(`ok - ${name}`);
    } catch (err) {
      failed++;
      console.log(`not ok - ${name}`);
      console.log(String((err && err.stack) || err).replace(/^/gm, '    '));
    }
  }
  agent.destroy();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
