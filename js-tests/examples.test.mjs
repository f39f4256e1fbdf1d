// examples/cloud-function and examples/http-backend, run as their users would
// run them, against the emulator: the cloud function required with its
// environment set and called like the platform calls it; the backend spawned
// as its own process and called over HTTP.
//
// scripts/test copies examples/ next to js-tests/ in the temporary project, so
// both resolve `miniprogram-links` from its node_modules, as installed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { useEmulator, requestsTo } from './helpers.mjs';

const require = createRequire(import.meta.url);
const CLOUD_FUNCTION = fileURLToPath(new URL('../examples/cloud-function/index.js', import.meta.url));
const HTTP_BACKEND = fileURLToPath(new URL('../examples/http-backend/server.js', import.meta.url));

const ctx = useEmulator();

// ---- the cloud function ----

const ENV_KEYS = ['WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_BASE_URL'];

/** The cloud function's `main`, freshly loaded with the emulator's credentials in its environment. */
async function withCloudFunction(emu, fn) {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const { appid, secret } = emu.credentials.wechat;
  Object.assign(process.env, { WECHAT_APPID: appid, WECHAT_SECRET: secret, WECHAT_BASE_URL: emu.url });
  delete require.cache[CLOUD_FUNCTION]; // a cold instance: no client, no token yet
  try {
    return await fn(require(CLOUD_FUNCTION).main);
  } finally {
    delete require.cache[CLOUD_FUNCTION];
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

test('cloud function: a URL Link for event.path and event.query, with the stable token', async () => {
  const emu = ctx.emu;
  await withCloudFunction(emu, async (main) => {
    const result = await main({ path: 'pages/item/item', query: 'id=42' });
    assert.match(result.urlLink, /^https:\/\/wxaurl\.cn\/\w+$/);
    // A warm instance reuses its token.
    const again = await main({ path: 'pages/index/index' });
    assert.match(again.urlLink, /^https:\/\/wxaurl\.cn\/\w+$/);
  });
  assert.equal(requestsTo(emu, '/cgi-bin/stable_token').length, 1);
  assert.equal(requestsTo(emu, '/cgi-bin/token').length, 0);
  const sent = requestsTo(emu, '/wxa/generate_urllink');
  assert.equal(sent.length, 2);
  assert.equal(sent[0].json.path, 'pages/item/item');
  assert.equal(sent[0].json.query, 'id=42');
  assert.equal(sent[0].json.expire_interval, 30);
});

test('cloud function: kind urlscheme gives a weixin:// openlink', async () => {
  const emu = ctx.emu;
  await withCloudFunction(emu, async (main) => {
    const { openlink } = await main({ kind: 'urlscheme', path: 'pages/item/item', query: 'id=7', envVersion: 'trial' });
    assert.match(openlink, /^weixin:\/\/dl\/business\/\?t=\w+$/);
  });
  const [sent] = requestsTo(emu, '/wxa/generatescheme');
  assert.deepEqual(sent.json.jump_wxa, { path: 'pages/item/item', query: 'id=7', env_version: 'trial' });
});

test('cloud function: a bad path comes back as an error object, and nothing is sent', async () => {
  const emu = ctx.emu;
  const result = await withCloudFunction(emu, (main) => main({ path: 'pages/item/item?id=1' }));
  assert.equal(result.error.code, 'INVALID_ARGUMENT');
  assert.equal(result.error.field, 'path');
  assert.equal(result.error.retryable, false);
  assert.equal(emu.requests.length, 0);
  const unknown = await withCloudFunction(emu, (main) => main({ kind: 'qrcode', path: 'pages/index/index' }));
  assert.equal(unknown.error.field, 'kind');
});

test('cloud function: a platform refusal keeps its errcode and never the secret', async () => {
  const emu = ctx.emu;
  emu.inject({ route: '/wxa/generate_urllink', kind: 'errcode', errcode: 85079 });
  const result = await withCloudFunction(emu, (main) => main({ path: 'pages/index/index' }));
  assert.equal(result.error.code, 'API_ERROR');
  assert.equal(result.error.errcode, 85079);
  assert.ok(!JSON.stringify(result).includes(emu.credentials.wechat.secret));
});

test('cloud function: config.json grants the cloud-call permissions it names; package.json depends on the package', () => {
  const config = require('../examples/cloud-function/config.json');
  assert.deepEqual([...config.permissions.openapi].sort(), ['urllink.generate', 'urlscheme.generate']);
  const pkg = require('../examples/cloud-function/package.json');
  assert.equal(pkg.main, 'index.js');
  assert.ok(pkg.dependencies['miniprogram-links']);
});

// ---- the HTTP backend ----

/** GET `url`; resolves to { status, headers, json }. (Node 16 has no global fetch.) */
function get(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(text) });
        } catch (err) {
          reject(new Error(`${res.statusCode}: not JSON: ${text}`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Runs examples/http-backend/server.js against `emu`; `fn(baseUrl)`; stops the server whatever happens. */
async function withBackend(emu, fn) {
  const { appid, secret } = emu.credentials.wechat;
  const child = spawn(process.execPath, [HTTP_BACKEND], {
    env: { ...process.env, WECHAT_APPID: appid, WECHAT_SECRET: secret, WECHAT_BASE_URL: emu.url, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const baseUrl = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the server printed no address within 10 s; stderr: ${stderr}`)), 10000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(out.slice(0, nl)).url);
          } catch (err) {
            reject(new Error(`unexpected first line: ${out.slice(0, nl)}`));
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before listening; stderr: ${stderr}`));
      });
    });
    return await fn(baseUrl);
  } finally {
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `the server stopped with ${code ?? signal}; stderr: ${stderr}`);
  }
}

test('http backend: GET /link returns {urlLink}; an invalid path is a 400 that sends nothing', async () => {
  const emu = ctx.emu;
  await withBackend(emu, async (baseUrl) => {
    const ok = await get(`${baseUrl}/link?path=pages/x&query=a%3D1`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers['content-type'], /^application\/json/);
    assert.deepEqual(Object.keys(ok.json), ['urlLink']);
    assert.match(ok.json.urlLink, /^https:\/\/wxaurl\.cn\/\w+$/);
    const [sent] = requestsTo(emu, '/wxa/generate_urllink');
    assert.equal(sent.json.path, 'pages/x');
    assert.equal(sent.json.query, 'a=1');

    const before = emu.requests.length;
    const bad = await get(`${baseUrl}/link?path=pages/x%3Fa%3D1`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'INVALID_ARGUMENT');
    assert.equal(bad.json.field, 'path');
    assert.equal(typeof bad.json.message, 'string');
    const badEnv = await get(`${baseUrl}/link?path=pages/x&env=beta`);
    assert.equal(badEnv.status, 400);
    assert.equal(badEnv.json.field, 'envVersion');
    assert.equal(emu.requests.length, before, 'nothing sent for invalid requests');

    const missing = await get(`${baseUrl}/nope`);
    assert.equal(missing.status, 404);
  });
});

test('http backend: a platform refusal is a 502, a transient failure that outlasts the retries a 503', async () => {
  const emu = ctx.emu;
  await withBackend(emu, async (baseUrl) => {
    emu.inject({ route: '/wxa/generate_urllink', kind: 'errcode', errcode: 85079 });
    const refused = await get(`${baseUrl}/link?path=pages/x`);
    assert.equal(refused.status, 502);
    assert.equal(refused.json.code, 'API_ERROR');
    assert.equal(refused.json.errcode, 85079);
    assert.match(refused.json.message, /85079/);

    emu.inject({ route: '/wxa/generate_urllink', kind: 'errcode', errcode: -1, times: 3 });
    const busy = await get(`${baseUrl}/link?path=pages/x`);
    assert.equal(busy.status, 503);
    assert.equal(busy.json.code, 'API_ERROR');
    assert.equal(busy.headers['retry-after'], '1');

    emu.inject({ route: '/wxa/generate_urllink', kind: 'http500', times: 3 });
    const down = await get(`${baseUrl}/link?path=pages/x`);
    assert.equal(down.status, 503);
    assert.equal(down.json.code, 'HTTP_ERROR');

    // And the next one works again, on the same cached token.
    const ok = await get(`${baseUrl}/link?path=pages/x`);
    assert.equal(ok.status, 200);
    assert.equal(requestsTo(emu, '/cgi-bin/token').length, 1);
    for (const r of [refused, busy, down]) {
      assert.ok(!JSON.stringify(r.json).includes(emu.credentials.wechat.secret));
    }
  });
});
