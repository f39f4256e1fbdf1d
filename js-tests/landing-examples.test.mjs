// examples/landing-page: the landing handler as the Express example mounts it
// (served here by node:http: Express is no dependency of the tests) and the
// cloud function behind the HTTP access service, against the emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { useEmulator, requestsTo } from './helpers.mjs';

const require = createRequire(import.meta.url);
const DIR = fileURLToPath(new URL('../examples/landing-page/', import.meta.url));
const ENV_KEYS = ['WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_BASE_URL', 'PUBLIC_URL'];
const ctx = useEmulator();

/** `fn(require)` with the examples' modules loaded fresh, the emulator's credentials in the environment. */
async function withExamples(emu, fn) {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const { appid, secret } = emu.credentials.wechat;
  Object.assign(process.env, { WECHAT_APPID: appid, WECHAT_SECRET: secret, WECHAT_BASE_URL: emu.url, PUBLIC_URL: 'https://go.example.com' });
  const fresh = () => Object.keys(require.cache).filter((f) => f.startsWith(DIR)).forEach((f) => delete require.cache[f]);
  fresh();
  try {
    return await fn((name) => require(`${DIR}${name}`));
  } finally {
    fresh();
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
}

test('landing handler (as the Express example mounts it): /p/42 is the page for pages/item/item?id=42, QR code of its public URL', async () => {
  await withExamples(ctx.emu, async (load) => {
    const server = http.createServer(load('landing.js').landing);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${server.address().port}`;
      const page = await get(`${base}/p/42`);
      assert.equal(page.status, 200);
      assert.match(page.body, /href="weixin:\/\/dl\/business\/\?t=\w+"/);
      assert.match(page.body, /data-url-link="https:\/\/wxaurl\.cn\/\w+"/);
      assert.ok(page.body.includes('aria-label="二维码：https://go.example.com/p/42"'));
      assert.match(page.headers['content-security-policy'], /^default-src 'none'; script-src 'sha256-/);
      assert.equal((await get(`${base}/p/x`)).status, 404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const [scheme] = requestsTo(ctx.emu, '/wxa/generatescheme');
  assert.deepEqual(scheme.json.jump_wxa, { path: 'pages/item/item', query: 'id=42' });
  assert.equal(scheme.json.expire_interval, 30);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/stable_token').length, 1);
});

test('cloud function (HTTP access service): { statusCode, headers, body } for GET, HEAD and a 404', async () => {
  await withExamples(ctx.emu, async (load) => {
    const { main } = load('cloud-function.js');
    const page = await main({ httpMethod: 'GET', path: '/p/7', headers: {} });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['Referrer-Policy'], 'no-referrer');
    assert.match(page.body, /^<!DOCTYPE html>/);
    assert.match(page.body, /href="weixin:\/\/dl\/business\/\?t=\w+"/);
    const head = await main({ httpMethod: 'HEAD', path: '/p/7', headers: {} });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['Content-Length'], Buffer.byteLength(page.body));
    assert.equal((await main({ httpMethod: 'GET', path: '/admin', headers: {} })).statusCode, 404);
  });
  assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 1, 'HEAD is answered from the cache');
});
