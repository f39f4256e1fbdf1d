// renderLandingPage and createLandingHandler (CONTRACT.md, "Additions (second
// release)"): the page's rules at the package's surface, and the handler over
// node:http against the emulator: headers, HEAD, 404, one platform call per
// target however many visitors, a bounded cache, a 503 without secrets.
// (What the page does in a browser: landing-browser.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { renderLandingPage, createLandingHandler } from 'miniprogram-links';
import { useEmulator, wechatClient, requestsTo, throwsLinkError, lastIssuedToken, withLandingServer } from './helpers.mjs';

const require = createRequire(import.meta.url);
const ctx = useEmulator();
const SCHEME = 'weixin://dl/business/?t=XTSkBZlzqmn';

test('renderLandingPage: one document, the scheme in a plain link, texts escaped; the same function for require and import', () => {
  const html = renderLandingPage({ openlink: SCHEME, title: '<b>"Sale"</b>', description: "a & b's", lang: 'en' });
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.ok(html.includes(`<a id="open" class="button" href="${SCHEME}">Open the mini program</a>`));
  assert.ok(html.includes('<title>&lt;b&gt;&quot;Sale&quot;&lt;/b&gt;</title>'));
  assert.ok(html.includes('a &amp; b&#39;s'));
  assert.equal(html.match(/<script/g).length, 1);
  assert.equal(require('miniprogram-links').renderLandingPage, renderLandingPage);
});

test('renderLandingPage refuses any other link, and texts past their length in characters', () => {
  const expected = (field) => ({ code: 'INVALID_ARGUMENT', field, api: 'renderLandingPage', platform: 'wechat', class: 'invalid' });
  const base = { openlink: SCHEME, title: 'Sale' };
  for (const bad of ['javascript:alert(1)', 'data:text/html,<script>', 'https://wxaurl.cn/X', 'weixin://dl/business/?', ' weixin://dl/business/?t=X', 42]) {
    throwsLinkError(() => renderLandingPage({ ...base, openlink: bad }), expected('openlink'));
  }
  for (const field of ['urlLink', 'qrUrl']) {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'http://wxaurl.cn/X', 'https://wxaurl.cn/a"b']) {
      throwsLinkError(() => renderLandingPage({ ...base, [field]: bad }), expected(field));
    }
  }
  assert.ok(renderLandingPage({ ...base, title: '春'.repeat(64) }).includes('春'.repeat(64)));
  throwsLinkError(() => renderLandingPage({ ...base, title: '春'.repeat(65) }), expected('title'));
  throwsLinkError(() => renderLandingPage({ ...base, description: 'x'.repeat(201) }), expected('description'));
  throwsLinkError(() => renderLandingPage({ ...base, lang: 'fr' }), expected('lang'));
  throwsLinkError(() => renderLandingPage({ openlink: SCHEME }), expected('title'));
});

/** `{ status, headers, body }` of one request. */
function request(url, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `fn(base)` with the landing handler over the emulator of this test. */
const withHandler = (options, fn) => withLandingServer(ctx.emu, options, fn);

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

test('handler: the page with its headers; the CSP allows exactly its inline script and style; HEAD has no body', async () => {
  await withHandler({ urlLink: true, qrUrl: 'https://example.com/p/1' }, async (base) => {
    const page = await request(`${base}/p/1`);
    assert.equal(page.status, 200);
    assert.match(page.body, /href="weixin:\/\/dl\/business\/\?t=\w+"/);
    assert.match(page.body, /data-url-link="https:\/\/wxaurl\.cn\/\w+"/);
    assert.ok(page.body.includes('<svg'));
    const script = /<script>([\s\S]*)<\/script>/.exec(page.body)[1];
    const style = /<style>([\s\S]*)<\/style>/.exec(page.body)[1];
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(
      page.headers['content-security-policy'],
      `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(style)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
    );
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal(page.headers['cache-control'], 'public, max-age=300');
    assert.equal(Number(page.headers['content-length']), Buffer.byteLength(page.body));
    const head = await request(`${base}/p/1`, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], page.headers['content-length']);
    assert.equal(head.headers['content-security-policy'], page.headers['content-security-policy']);
    const sent = requestsTo(ctx.emu, '/wxa/generatescheme');
    assert.equal(sent.length, 1, 'HEAD is answered from the cache');
    assert.deepEqual(sent[0].json.jump_wxa, { path: 'pages/item/item', query: 'id=1' });
    assert.deepEqual(requestsTo(ctx.emu, '/wxa/generate_urllink')[0].json.path, 'pages/item/item');
  });
});

test('handler: 404 for what resolve maps to null, 405 for other methods, 500 when resolve throws (and onError too)', async () => {
  await withHandler({}, async (base) => {
    const missing = await request(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['cache-control'], 'no-store');
    assert.match(missing.body, /页面不存在/);
    assert.equal((await request(`${base}/p/1`, 'POST')).status, 405);
  });
  const onError = () => {
    throw new Error('a broken onError');
  };
  await withHandler({ resolve: () => Promise.reject(new Error('db down')), lang: 'en', onError }, async (base) => {
    const failed = await request(`${base}/p/1`);
    assert.equal(failed.status, 500, 'even when onError throws');
    assert.ok(!failed.body.includes('db down'));
  });
  assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 0);
});

test('handler: fifty visitors at once to one target share one platform call; the cache keeps cacheSize pages', async () => {
  await withHandler({ cacheSize: 2 }, async (base) => {
    const pages = await Promise.all(Array.from({ length: 50 }, () => request(`${base}/p/1`)));
    assert.ok(pages.every((p) => p.status === 200 && p.body === pages[0].body));
    assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 1);
    assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 1);
    await request(`${base}/p/2`);
    await request(`${base}/p/3`); // evicts /p/1, the least recently used
    await request(`${base}/p/3`);
    assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 3);
    await request(`${base}/p/1`);
    assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 4);
  });
});

test('handler: a platform failure is a 503 that says to try later, with no secret or token; the next visitor retries', async () => {
  const errors = [];
  await withHandler({ onError: (error) => errors.push(error), lang: 'en' }, async (base) => {
    await request(`${base}/p/1`); // a token in the client, for the fault to echo
    ctx.emu.inject({ route: '/wxa/generatescheme', kind: 'errcode', errcode: 40164, echoToken: true });
    const failed = await request(`${base}/p/2`);
    assert.equal(failed.status, 503);
    assert.equal(failed.headers['retry-after'], '30');
    assert.equal(failed.headers['cache-control'], 'no-store');
    assert.match(failed.body, /try again later/);
    const token = lastIssuedToken(ctx.emu);
    const { secret } = ctx.emu.credentials.wechat;
    for (const hidden of [token, secret, '40164', 'access_token']) {
      assert.ok(!failed.body.includes(hidden) && !JSON.stringify(failed.headers).includes(hidden), hidden);
    }
    assert.equal(errors.length, 1);
    assert.equal(errors[0].errcode, 40164);
    const again = await request(`${base}/p/2`);
    assert.equal(again.status, 200, 'a failure is not cached');
  });
});

test('createLandingHandler checks its options when created', () => {
  const wx = wechatClient(ctx.emu);
  const expected = (field) => ({ code: 'INVALID_ARGUMENT', field });
  throwsLinkError(() => createLandingHandler(wx, { title: 'x' }), { ...expected('resolve'), api: 'createLandingHandler' });
  throwsLinkError(() => createLandingHandler(wx, { resolve: () => null, title: 'x'.repeat(65) }), { ...expected('title'), api: 'renderLandingPage' });
  throwsLinkError(() => createLandingHandler(wx, { resolve: () => null, title: 'x', qrUrl: 'http://a.cn/' }), expected('qrUrl'));
  throwsLinkError(() => createLandingHandler(wx, { resolve: () => null, title: 'x', cacheSize: 0 }), expected('cacheSize'));
  throwsLinkError(() => createLandingHandler(wx, { resolve: () => null, title: 'x', colour: 'red' }), expected('options.colour'));
  throwsLinkError(() => createLandingHandler({}, { resolve: () => null, title: 'x' }), expected('client'));
});
