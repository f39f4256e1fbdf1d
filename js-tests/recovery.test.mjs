// A trap (a Rust panic: a bug) must not take the package down for good: the
// call that trapped rejects with a LinkError (code INTERNAL_ERROR), the module
// is re-instantiated, and every client, the one that trapped and those created
// before, works again on its next call.
//
// The panic comes from `client.panicForTests()`, which exists only in a build
// with the cargo feature `panic-probe`. scripts/test installs that build into
// the test project under the alias `miniprogram-links-probe`; without it the
// probe tests skip. The published package must not have it at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { useEmulator, wechatClient, WeChatClient, DouyinClient, inFuture, sleep } from './helpers.mjs';

const require = createRequire(import.meta.url);
const ctx = useEmulator();

let probe = null;
try {
  probe = require('miniprogram-links-probe');
} catch (_) {
  probe = null;
}

const SKIP = 'probe build not installed (miniprogram-links-probe: cargo feature panic-probe)';

function probeClients(emu) {
  const { WeChatClient: W, DouyinClient: D } = probe;
  const wx = emu.credentials.wechat;
  const dy = emu.credentials.douyin;
  return {
    trapping: new W({ appid: wx.appid, secret: wx.secret, baseUrl: emu.url, retries: 0 }),
    bystander: new W({ appid: wx.appid, secret: wx.secret, baseUrl: emu.url, retries: 0 }),
    douyin: new D({ appid: dy.appid, secret: dy.secret, baseUrl: emu.url, retries: 0 }),
  };
}

function trap(client) {
  let thrown;
  try {
    client.panicForTests();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown !== undefined, 'panicForTests() returned instead of throwing');
  assert.ok(thrown instanceof probe.LinkError, `expected a LinkError, got ${thrown && thrown.stack ? thrown.stack : thrown}`);
  assert.ok(thrown instanceof Error);
  assert.equal(thrown.code, 'INTERNAL_ERROR');
  assert.equal(thrown.platform, 'wechat');
  assert.equal(thrown.retryable, false);
  return thrown;
}

/** Settles `promise` or fails after `ms`: a call must never hang. */
function within(promise, ms, label) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Runs `body`, then fails if anything went unhandled meanwhile (a stale callback, a trap nobody caught). */
async function withoutStrays(body) {
  const stray = [];
  const onStray = (err) => stray.push(String(err && err.stack ? err.stack : err));
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  try {
    await body();
    assert.deepEqual(stray, [], 'unhandled rejections / uncaught exceptions after the trap');
  } finally {
    process.removeListener('unhandledRejection', onStray);
    process.removeListener('uncaughtException', onStray);
  }
}

/** `promise`'s rejection, or null if it resolved. */
const settled = (promise) => promise.then(() => null, (err) => err);

function assertInternalErrors(outcomes) {
  for (const [label, err] of outcomes) {
    assert.ok(err instanceof probe.LinkError, `${label}: expected a LinkError, got ${err && err.stack ? err.stack : err}`);
    assert.equal(err.code, 'INTERNAL_ERROR', label);
  }
}

test('the published package has no panicForTests, neither on clients nor in its WebAssembly module', () => {
  const wx = wechatClient(ctx.emu);
  assert.equal('panicForTests' in wx, false);
  assert.equal(wx.panicForTests, undefined);
  const dir = path.dirname(require.resolve('miniprogram-links/package.json'));
  const module = new WebAssembly.Module(fs.readFileSync(path.join(dir, 'miniprogram_links_bg.wasm')));
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  assert.ok(names.length > 0);
  assert.deepEqual(names.filter((n) => /panic/i.test(n)), []);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'miniprogram_links.js'), 'utf8'), /panic(Later)?ForTests/);
  assert.equal('panicLaterForTests' in wx, false);
  assert.equal('panicInTaskForTests' in wx, false);
});

test('probe: panicForTests() throws a LinkError INTERNAL_ERROR', (t) => {
  if (!probe) return t.skip(SKIP);
  const { trapping } = probeClients(ctx.emu);
  assert.equal(typeof trapping.panicForTests, 'function');
  const err = trap(trapping);
  assert.equal(err.api, 'panicForTests');
});

test('probe: after a trap, the same client and one created before it both generate links', async (t) => {
  if (!probe) return t.skip(SKIP);
  const { trapping, bystander, douyin } = probeClients(ctx.emu);
  // Warm: both have a cached token inside the instance that is about to die.
  await trapping.urllink.generate({ path: 'pages/a' });
  await bystander.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
  trap(trapping);

  const after = await within(trapping.urllink.generate({ path: 'pages/a' }), 5000, 'the trapping client');
  assert.match(after.urlLink, /^https:\/\//);
  const other = await within(bystander.urlscheme.generate({ jumpWxa: { path: 'pages/a' } }), 5000, 'the bystander');
  assert.match(other.openlink, /^weixin:\/\//);
  const dy = await within(douyin.urlLink.generate({ expireTime: inFuture(3600) }), 5000, 'a Douyin client');
  assert.equal(typeof dy.urlLink, 'string');
  assert.match(trapping.plainScheme({ path: 'pages/a', query: 'a=1' }), /^weixin:\/\/dl\/business\/\?appid=/);
  const fresh = new probe.WeChatClient({ ...ctx.emu.credentials.wechat, baseUrl: ctx.emu.url });
  assert.equal(typeof (await fresh.getAccessToken()).accessToken, 'string');
});

test('probe: repeated traps recover every time', async (t) => {
  if (!probe) return t.skip(SKIP);
  const { trapping, bystander } = probeClients(ctx.emu);
  for (let i = 0; i < 5; i++) {
    trap(trapping);
    const link = await within(bystander.urllink.generate({ path: 'pages/a' }), 5000, `round ${i}`);
    assert.equal(typeof link.urlLink, 'string');
  }
  const link = await within(trapping.urllink.generate({ path: 'pages/a' }), 5000, 'the trapping client');
  assert.equal(typeof link.urlLink, 'string');
});

test('probe: a call in flight when the instance traps settles (resolves or rejects with a LinkError), it never hangs', async (t) => {
  if (!probe) return t.skip(SKIP);
  const { trapping } = probeClients(ctx.emu);
  const { appid, secret } = ctx.emu.credentials.wechat;
  // timeoutMs 1000: the attempt's abort timer fires within this test too.
  const busy = new probe.WeChatClient({ appid, secret, baseUrl: ctx.emu.url, retries: 0, timeoutMs: 1000 });
  await busy.urllink.generate({ path: 'pages/a' });
  await withoutStrays(async () => {
    ctx.emu.inject({ route: '/wxa/generate_urllink', kind: 'delay', ms: 300 });
    const inFlight = busy.urllink.generate({ path: 'pages/a' });
    inFlight.catch(() => {});
    await sleep(50);
    trap(trapping);
    let outcome;
    let failure;
    try {
      outcome = await within(inFlight, 3000, 'the call in flight when the instance trapped');
    } catch (err) {
      failure = err;
    }
    await sleep(1200); // past the attempt's timer: a stale callback would fire by now
    if (failure !== undefined) {
      assert.ok(failure instanceof probe.LinkError, `expected a LinkError, got ${failure && failure.stack ? failure.stack : failure}`);
    } else {
      assert.equal(typeof outcome.urlLink, 'string');
    }
  });
  const next = await within(busy.urllink.generate({ path: 'pages/a' }), 5000, 'the next call');
  assert.equal(typeof next.urlLink, 'string');
});

test('probe: a trap on a later step (from a timer) rejects the calls in flight, ends nothing else, and the next call works', async (t) => {
  if (!probe) return t.skip(SKIP);
  const { trapping, bystander } = probeClients(ctx.emu);
  await bystander.urllink.generate({ path: 'pages/a' });
  // A client whose token refresh is in flight, with a link call waiting for it.
  const { appid, secret } = ctx.emu.credentials.wechat;
  const refreshing = new probe.WeChatClient({ appid, secret, baseUrl: ctx.emu.url, retries: 0 });
  await withoutStrays(async () => {
    ctx.emu.inject({ route: '/wxa/generate_urllink', kind: 'delay', ms: 300 });
    ctx.emu.inject({ route: '/cgi-bin/token', kind: 'delay', ms: 300 });
    const inFlight = settled(bystander.urllink.generate({ path: 'pages/a' }));
    const token = settled(refreshing.getAccessToken());
    const waiting = settled(refreshing.urlscheme.generate({ jumpWxa: { path: 'pages/a' } }));
    await sleep(50);
    const trapped = await within(settled(trapping.panicLaterForTests()), 3000, 'panicLaterForTests()');
    assertInternalErrors([
      ['the trapping call', trapped],
      ['the call in flight', await within(inFlight, 3000, 'the call in flight')],
      ['getAccessToken refreshing', await within(token, 3000, 'getAccessToken refreshing')],
      ['the call waiting for that refresh', await within(waiting, 3000, 'the call waiting for the refresh')],
    ]);
    await sleep(400); // past the delayed answer: a stale callback would fire by now
  });
  for (const client of [trapping, bystander, refreshing]) {
    const next = await within(client.urllink.generate({ path: 'pages/a' }), 5000, 'the next call');
    assert.equal(typeof next.urlLink, 'string');
  }
});

test('probe: a trap while a future is polled (in the task queue, not in a call from JavaScript) rejects the calls in flight, is no uncaught exception, and the next call works', async (t) => {
  if (!probe) return t.skip(SKIP);
  const { trapping, bystander } = probeClients(ctx.emu);
  await bystander.urllink.generate({ path: 'pages/a' });
  await withoutStrays(async () => {
    ctx.emu.inject({ route: '/wxa/generate_urllink', kind: 'delay', ms: 300 });
    const inFlight = settled(bystander.urllink.generate({ path: 'pages/a' }));
    await sleep(50);
    const trapped = await within(settled(trapping.panicInTaskForTests()), 3000, 'panicInTaskForTests()');
    assertInternalErrors([
      ['the trapping task', trapped],
      ['the call in flight', await within(inFlight, 3000, 'the call in flight')],
    ]);
    await sleep(400); // past the delayed answer: its callback belongs to the dead instance
  });
  for (const client of [trapping, bystander]) {
    const next = await within(client.urllink.generate({ path: 'pages/a' }), 5000, 'the next call');
    assert.equal(typeof next.urlLink, 'string');
  }
});

test('probe build and published build agree on the public surface', (t) => {
  if (!probe) return t.skip(SKIP);
  const published = require('miniprogram-links');
  assert.deepEqual(Object.keys(probe).sort(), Object.keys(published).sort());
  assert.equal(published.WeChatClient, WeChatClient);
  assert.equal(published.DouyinClient, DouyinClient);
});
