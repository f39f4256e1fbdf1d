// generateMany: bulk generation against the emulator with the documented
// per-second limits (44990 / 12020 past them) and a daily quota switched on.
//
// The clients here use `retries: 0` where a rate-limit answer must be seen:
// with it, a single 44990 would come back as a row's error instead of being
// retried away, so "no row failed" is "the platform never said 44990".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { WeChatClient, DouyinClient, LinkError } from 'miniprogram-links';

const require = createRequire(import.meta.url);
const { startEmulator } = require('./emulator/index.cjs');

const URLLINK = '/wxa/generate_urllink';
const SCHEME = '/wxa/generatescheme';
const DOUYIN = '/api/apps/url_link/generate';

let unhandled = 0;
process.on('unhandledRejection', () => {
  unhandled += 1;
});

async function withEmu(options, fn) {
  const emu = await startEmulator({ port: 0, rateLimits: true, dailyQuota: 100000, ...options });
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

function wechat(emu, extra = {}) {
  const { appid, secret } = emu.credentials.wechat;
  return new WeChatClient({ appid, secret, baseUrl: emu.url, ...extra });
}

function douyin(emu, extra = {}) {
  const { appid, secret } = emu.credentials.douyin;
  return new DouyinClient({ appid, secret, baseUrl: emu.url, ...extra });
}

const sent = (emu, route) => emu.requests.filter((r) => r.path === route);

/** The most requests to `route` the emulator counted in one calendar second (how it rate-limits). */
function busiestSecond(emu, route) {
  const perSecond = new Map();
  for (const r of sent(emu, route)) {
    const s = Math.floor(r.time / 1000);
    perSecond.set(s, (perSecond.get(s) || 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

async function collect(iterable) {
  const out = [];
  for await (const o of iterable) out.push(o);
  return out;
}

/** Every index in [0, n) exactly once. */
function assertEachIndexOnce(outcomes, n) {
  const seen = outcomes.map((o) => o.index).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i), 'every row reported exactly once');
}

const inFuture = (s) => Math.floor(Date.now() / 1000) + s;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('5,000 URL Links: all generated, never above 200 a second, zero 44990 answers', async () => {
  await withEmu({ dailyQuota: 10000 }, async (emu) => {
    const wx = wechat(emu, { retries: 0 });
    const requests = Array.from({ length: 5000 }, (_, i) => ({ path: 'pages/sms/landing', query: `r=${i}`, expireInterval: 30 }));
    let progressCalls = 0;
    let last = null;
    const outcomes = await collect(
      wx.generateMany(requests, {
        kind: 'urllink',
        onProgress: (p) => {
          progressCalls += 1;
          last = p;
        },
      })
    );
    const failed = outcomes.filter((o) => o.error);
    assert.deepEqual(failed.map((o) => `${o.index}: ${o.error.code} ${o.error.errcode}`), [], 'no row failed (a 44990 would show here)');
    assertEachIndexOnce(outcomes, 5000);
    const links = new Set(outcomes.map((o) => o.result.urlLink));
    assert.equal(links.size, 5000, 'distinct links');
    assert.equal(sent(emu, URLLINK).length, 5000, 'one request per row: nothing was retried');
    assert.ok(busiestSecond(emu, URLLINK) <= 200, `at most 200 in any second, saw ${busiestSecond(emu, URLLINK)}`);
    assert.equal(sent(emu, '/cgi-bin/token').length, 1, 'one token for the whole run');
    assert.equal(progressCalls, 5000);
    assert.deepEqual(last, { total: 5000, done: 5000, succeeded: 5000, failed: 0, notDone: 0, inFlight: 0 });
  });
});

test('URL Schemes (100/s) and Douyin URL Links (100/s): zero rate-limit answers by default', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu, { retries: 0 });
    const dy = douyin(emu, { retries: 0 });
    const schemes = Array.from({ length: 200 }, (_, i) => ({ jumpWxa: { path: 'pages/a', query: `i=${i}` } }));
    const douyins = Array.from({ length: 200 }, (_, i) => ({ appName: 'douyin', path: 'pages/a', query: { i: String(i) }, expireTime: inFuture(86400) }));
    // Both at once: different APIs have limiters of their own.
    const [a, b] = await Promise.all([collect(wx.generateMany(schemes, { kind: 'urlscheme' })), collect(dy.generateMany(douyins, { kind: 'douyin.urlLink' }))]);
    assert.deepEqual(a.filter((o) => o.error).map((o) => o.error.message), []);
    assert.deepEqual(b.filter((o) => o.error).map((o) => o.error.message), []);
    assertEachIndexOnce(a, 200);
    assertEachIndexOnce(b, 200);
    assert.ok(a.every((o) => /^weixin:\/\/dl\/business\/\?t=/.test(o.result.openlink)));
    assert.ok(b.every((o) => typeof o.result.urlLink === 'string'));
    assert.ok(busiestSecond(emu, SCHEME) <= 100, `schemes: ${busiestSecond(emu, SCHEME)} in one second`);
    assert.ok(busiestSecond(emu, DOUYIN) <= 100, `douyin: ${busiestSecond(emu, DOUYIN)} in one second`);
  });
});

test('the kinds nfc and douyin.schema: one link per row, through generateNFC and schema.generate', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu, { retries: 0 });
    const rows = Array.from({ length: 5 }, (_, i) => ({ jumpWxa: { path: 'pages/a' }, modelId: 'nfc-model-granted', sn: `SN${i}` }));
    const nfc = await collect(wx.generateMany(rows, { kind: 'nfc' }));
    assert.deepEqual(nfc.filter((o) => o.error).map((o) => o.error.message), []);
    assert.equal(new Set(nfc.map((o) => o.result.openlink)).size, 5);
    assert.equal(sent(emu, '/wxa/generatenfcscheme').length, 5);
    const dy2 = douyin(emu, { api: 'v2', retries: 0 });
    const expireTime = Math.floor(Date.now() / 1000) + 86400;
    const schemas = await collect(dy2.generateMany(Array.from({ length: 3 }, (_, i) => ({ path: 'pages/a', query: { i }, expireTime })), { kind: 'schema' }));
    assert.deepEqual(schemas.filter((o) => o.error).map((o) => o.error.message), []);
    assert.equal(new Set(schemas.map((o) => o.result.schema)).size, 3);
    assert.equal(sent(emu, '/api/apps/v1/url/generate_schema/').length, 3);
  });
});

test('two runs on one client share its limiter: together still under 200 URL Links a second', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu, { retries: 0 });
    await wx.getAccessToken();
    const rows = (tag) => Array.from({ length: 200 }, (_, i) => ({ path: 'pages/a', query: `${tag}=${i}` }));
    const [a, b] = await Promise.all([collect(wx.generateMany(rows('a'), { kind: 'urllink' })), collect(wx.generateMany(rows('b'), { kind: 'urllink' }))]);
    assert.equal([...a, ...b].filter((o) => o.error).length, 0, 'no 44990');
    assert.ok(busiestSecond(emu, URLLINK) <= 200, `${busiestSecond(emu, URLLINK)} in one second`);
  });
});

test('ratePerSecond and concurrency are honoured', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    await wx.getAccessToken();
    emu.inject({ route: URLLINK, kind: 'delay', ms: 100, times: 40 });
    let maxInFlight = 0;
    const outcomes = await collect(
      wx.generateMany(
        Array.from({ length: 40 }, (_, i) => ({ path: 'pages/a', query: `i=${i}` })),
        { kind: 'urllink', ratePerSecond: 100, concurrency: 3, onProgress: (p) => (maxInFlight = Math.max(maxInFlight, p.inFlight)) }
      )
    );
    assert.equal(outcomes.filter((o) => o.result).length, 40);
    assert.ok(maxInFlight <= 3, `in flight at most 3, saw ${maxInFlight}`);
    // 3 in flight at 100 ms each: about 30 a second, whatever the rate allows.
    const times = sent(emu, URLLINK).map((r) => r.time);
    assert.ok(times[times.length - 1] - times[0] >= 1000, 'concurrency 3 with 100 ms answers takes over a second for 40 rows');

    emu.clear();
    const slow = await collect(
      wx.generateMany(
        Array.from({ length: 21 }, (_, i) => ({ path: 'pages/b', query: `i=${i}` })),
        { kind: 'urllink', ratePerSecond: 20 }
      )
    );
    assert.equal(slow.filter((o) => o.result).length, 21);
    const t = sent(emu, URLLINK).map((r) => r.time);
    // 21 starts 50 ms apart span 1 s (a little timer slack allowed).
    assert.ok(t[t.length - 1] - t[0] >= 900, `21 starts at 20/s span about a second, saw ${t[t.length - 1] - t[0]} ms`);
  });
});

test('invalid rows come back with their LinkError and are never sent; the rest are done', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    const requests = [
      { path: 'pages/a', query: 'i=0' },
      { path: 'pages/a?i=1' }, // query in the path
      { path: 'pages/a', query: 'i=2' },
      { path: 'pages/a', expireTime: Date.now() + 86400e3 }, // milliseconds
      { path: 'pages/a', colour: 'red' }, // unknown key
      { path: 'pages/a', query: 'i=5' },
    ];
    const outcomes = await collect(wx.generateMany(requests, { kind: 'urllink' }));
    assertEachIndexOnce(outcomes, 6);
    const byIndex = new Map(outcomes.map((o) => [o.index, o]));
    for (const i of [1, 3, 4]) {
      const { error } = byIndex.get(i);
      assert.ok(error instanceof LinkError, `row ${i}: a LinkError`);
      assert.equal(error.code, 'INVALID_ARGUMENT', `row ${i}`);
    }
    assert.equal(byIndex.get(1).error.field, 'path');
    assert.equal(byIndex.get(3).error.field, 'expireTime');
    assert.equal(byIndex.get(4).error.field, 'colour');
    for (const i of [0, 2, 5]) assert.match(byIndex.get(i).result.urlLink, /^https:\/\//);
    assert.equal(sent(emu, URLLINK).length, 3, 'only the valid rows were sent');
  });
});

test('a quota error stops the run: rows not started are NOT_DONE, nothing is retried', async () => {
  await withEmu({ dailyQuota: 20 }, async (emu) => {
    const wx = wechat(emu);
    const requests = Array.from({ length: 60 }, (_, i) => ({ path: 'pages/a', query: `i=${i}` }));
    const outcomes = await collect(wx.generateMany(requests, { kind: 'urllink', concurrency: 4 }));
    assertEachIndexOnce(outcomes, 60);
    const ok = outcomes.filter((o) => o.result);
    const quota = outcomes.filter((o) => o.error && o.error.errcode === 44993);
    const notDone = outcomes.filter((o) => o.error && o.error.code === 'NOT_DONE');
    assert.equal(ok.length, 20, 'the quota');
    assert.ok(quota.length >= 1 && quota.length <= 4, `the rows in flight when the quota ran out (${quota.length})`);
    assert.equal(ok.length + quota.length + notDone.length, 60, 'nothing else');
    for (const o of notDone) {
      assert.ok(o.error instanceof LinkError);
      assert.equal(o.error.reason, 'quota');
      assert.equal(o.error.api, 'urllink.generate');
      assert.equal(o.error.retryable, false);
      assert.match(o.error.message, /44993/);
    }
    assert.equal(sent(emu, URLLINK).length, ok.length + quota.length, 'one request per started row: none retried');
  });
});

test('the other quota codes stop a run too: 45009 (schemes), 12021 (Douyin), 28003017 (Douyin v2)', async () => {
  await withEmu({ dailyQuota: 3 }, async (emu) => {
    const wx = wechat(emu);
    const a = await collect(wx.generateMany(Array.from({ length: 10 }, () => ({ jumpWxa: { path: 'pages/a' } })), { kind: 'urlscheme', concurrency: 1 }));
    assert.deepEqual(
      a.map((o) => (o.result ? 'ok' : o.error.code === 'NOT_DONE' ? 'not done' : o.error.errcode)),
      ['ok', 'ok', 'ok', 45009, 'not done', 'not done', 'not done', 'not done', 'not done', 'not done']
    );
    const dy = douyin(emu);
    const b = await collect(dy.generateMany([{ appName: 'douyin', expireTime: inFuture(3600) }, { appName: 'douyin', expireTime: inFuture(3600) }], { kind: 'douyin.urlLink', concurrency: 1 }));
    assert.deepEqual(b.map((o) => (o.error.code === 'NOT_DONE' ? o.error.reason : o.error.errcode)), [12021, 'quota']);
    const dy2 = douyin(emu, { api: 'v2' });
    const c = await collect(dy2.generateMany([{ appName: 'toutiao', expireTime: inFuture(3600) }, { appName: 'douyin', expireTime: inFuture(3600) }], { kind: 'douyin.urlLink', concurrency: 1 }));
    assert.deepEqual(c.map((o) => [o.error.code, o.error.errcode, o.error.api]), [
      ['API_ERROR', 28003017, 'douyin.v2.urlLink.generate'],
      ['NOT_DONE', undefined, 'douyin.v2.urlLink.generate'],
    ]);
  });
});

test('a wrong secret fails the first row and stops the run, with one token request', async () => {
  await withEmu({}, async (emu) => {
    const wx = new WeChatClient({ appid: emu.credentials.wechat.appid, secret: 'f'.repeat(32), baseUrl: emu.url });
    const outcomes = await collect(wx.generateMany(Array.from({ length: 50 }, () => ({ path: 'pages/a' })), { kind: 'urllink' }));
    assertEachIndexOnce(outcomes, 50);
    assert.equal(outcomes[0].error.api, 'auth.getAccessToken');
    assert.equal(outcomes.filter((o) => o.error.code === 'NOT_DONE' && o.error.reason === 'auth').length, 49);
    assert.equal(sent(emu, '/cgi-bin/token').length, 1);
    assert.equal(sent(emu, URLLINK).length, 0);
  });
});

test('AbortSignal: no new rows, the ones in flight finish and are yielded, the rest are NOT_DONE', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    await wx.getAccessToken();
    emu.inject({ route: URLLINK, kind: 'delay', ms: 150, times: 200 });
    const controller = new AbortController();
    const outcomes = [];
    for await (const o of wx.generateMany(
      Array.from({ length: 200 }, (_, i) => ({ path: 'pages/a', query: `i=${i}` })),
      { kind: 'urllink', ratePerSecond: 100, concurrency: 8, signal: controller.signal }
    )) {
      outcomes.push(o);
      if (outcomes.length === 10) controller.abort();
    }
    assertEachIndexOnce(outcomes, 200);
    const ok = outcomes.filter((o) => o.result);
    const notDone = outcomes.filter((o) => o.error && o.error.code === 'NOT_DONE');
    assert.ok(ok.length > 10, 'rows in flight at the abort finished');
    assert.equal(ok.length + notDone.length, 200);
    assert.ok(notDone.every((o) => o.error.reason === 'aborted'));
    assert.equal(sent(emu, URLLINK).length, ok.length, 'every request sent is a row yielded with its link');

    // Aborted before it starts: nothing is sent.
    const pre = new AbortController();
    pre.abort();
    emu.clear();
    const none = await collect(wx.generateMany([{ path: 'pages/a' }, { path: 'pages/b' }], { kind: 'urllink', signal: pre.signal }));
    assert.deepEqual(none.map((o) => o.error.code), ['NOT_DONE', 'NOT_DONE']);
    assert.equal(sent(emu, URLLINK).length, 0);
  });
});

test('leaving the loop early (break) stops the run', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    await wx.getAccessToken();
    let seen = 0;
    for await (const o of wx.generateMany(
      Array.from({ length: 500 }, (_, i) => ({ path: 'pages/a', query: `i=${i}` })),
      { kind: 'urllink', concurrency: 4 }
    )) {
      assert.ok(o.result);
      seen += 1;
      if (seen === 5) break;
    }
    // Rows in flight at the break may still reach the emulator: count once they have.
    await sleep(300);
    const settled = sent(emu, URLLINK).length;
    assert.ok(settled <= 5 + 4, `at most the rows in flight beyond those seen (${settled})`);
    await sleep(300);
    assert.equal(sent(emu, URLLINK).length, settled, 'nothing started after the break');
  });
});

test('requests may be any iterable or async iterable; plainScheme sends nothing', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    function* rows() {
      for (let i = 0; i < 5; i++) yield { path: 'pages/a', query: `i=${i}` };
    }
    const a = await collect(wx.generateMany(rows(), { kind: 'plainScheme' }));
    assert.deepEqual(
      a.map((o) => o.result).sort(),
      [0, 1, 2, 3, 4].map((i) => `weixin://dl/business/?appid=${emu.credentials.wechat.appid}&path=pages/a&query=i%3D${i}`)
    );
    async function* more() {
      for (let i = 0; i < 3; i++) {
        await sleep(1);
        yield { pageUrl: `pages/item?id=${i}` };
      }
    }
    const b = await collect(wx.generateMany(more(), { kind: 'shortlink' }));
    assertEachIndexOnce(b, 3);
    assert.ok(b.every((o) => o.result.link.startsWith('#')));
    assert.equal(emu.requests.filter((r) => r.path.startsWith('/wxa/')).length, 3);
  });
});

test('generateMany adds no retries of its own: the client retries (retries: N), nothing else', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu, { retries: 0 });
    await wx.getAccessToken();
    emu.inject({ route: URLLINK, kind: 'errcode', errcode: -1, times: 1 });
    const outcomes = await collect(wx.generateMany([{ path: 'pages/a' }, { path: 'pages/b' }, { path: 'pages/c' }], { kind: 'urllink', concurrency: 1 }));
    assert.equal(outcomes.filter((o) => o.error && o.error.errcode === -1).length, 1, 'the busy answer is that row\'s error');
    assert.equal(sent(emu, URLLINK).length, 3);

    const retrying = wechat(emu, { retries: 1 });
    emu.clear();
    emu.inject({ route: URLLINK, kind: 'errcode', errcode: -1, times: 1 });
    const again = await collect(retrying.generateMany([{ path: 'pages/a' }], { kind: 'urllink' }));
    assert.ok(again[0].result, 'the client retried the busy answer');
    assert.equal(sent(emu, URLLINK).length, 2);
  });
});

test('options are checked at once with a LinkError naming the option', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    const dy = douyin(emu);
    const bad = [
      [() => wx.generateMany([], { kind: 'douyin.urlLink' }), 'options.kind'],
      [() => dy.generateMany([], { kind: 'urllink' }), 'options.kind'],
      [() => wx.generateMany([], {}), 'options.kind'],
      [() => wx.generateMany([]), 'options'],
      [() => wx.generateMany([], { kind: 'urllink', concurrency: 0 }), 'options.concurrency'],
      [() => wx.generateMany([], { kind: 'urllink', ratePerSecond: -1 }), 'options.ratePerSecond'],
      [() => wx.generateMany([], { kind: 'urllink', onProgress: 'yes' }), 'options.onProgress'],
      [() => wx.generateMany([], { kind: 'urllink', signal: {} }), 'options.signal'],
      [() => wx.generateMany([], { kind: 'urllink', rate: 5 }), 'options.rate'],
      [() => wx.generateMany(42, { kind: 'urllink' }), 'requests'],
    ];
    for (const [fn, field] of bad) {
      assert.throws(fn, (err) => err instanceof LinkError && err.code === 'INVALID_ARGUMENT' && err.field === field, field);
    }
    assert.equal(emu.requests.length, 0);
    // The clients stay frozen with the new method on them.
    assert.ok(Object.isFrozen(wx) && Object.isFrozen(dy));
    assert.equal(typeof wx.generateMany, 'function');
    assert.equal(typeof dy.generateMany, 'function');
    // An empty list is an empty run.
    assert.deepEqual(await collect(wx.generateMany([], { kind: 'urllink' })), []);
  });
});

test('a throwing onProgress ends the run with its error, after the rows in flight', async () => {
  await withEmu({}, async (emu) => {
    const wx = wechat(emu);
    const boom = new Error('boom');
    const seen = [];
    await assert.rejects(async () => {
      for await (const o of wx.generateMany(
        Array.from({ length: 30 }, () => ({ path: 'pages/a' })),
        { kind: 'urllink', onProgress: (p) => { if (p.done === 3) throw boom; } }
      )) seen.push(o);
    }, boom);
    assert.ok(seen.length >= 3 && seen.length < 30);
    await sleep(100);
    assert.equal(sent(emu, URLLINK).length, seen.length, 'nothing started after the throw, nothing lost before it');
  });
});

test('no unhandled rejections in this file', async () => {
  await sleep(50);
  assert.equal(unhandled, 0);
});
