// LinkError.class: what to do about a failure, from the core's endpoint table
// and errcode tables (invalid, auth, quota, rate, transient, rejected,
// internal), and the batch and the CLI stopping on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFreshEmulator, wechatClient, douyinClient, WeChatClient, closedPort } from './helpers.mjs';

const ctx = useFreshEmulator();

const SCHEME = '/wxa/generatescheme';
const TOKEN = '/cgi-bin/token';
const DY_LINK = '/api/apps/url_link/generate';

async function classOf(promise) {
  try {
    await promise;
  } catch (err) {
    return err.class;
  }
  assert.fail('expected a LinkError');
}

const scheme = (wx) => wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });

test('each kind of failure carries its class', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  assert.equal(await classOf(wx.urlscheme.generate({ jumpWxa: { path: 'pages/a?x=1' } })), 'invalid');
  for (const [errcode, expected] of [
    [-1, 'transient'],
    [44990, 'rate'],
    [45009, 'quota'],
    [85400, 'quota'],
    [40165, 'rejected'],
    [85079, 'rejected'],
    [12345, 'rejected'],
  ]) {
    ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode });
    assert.equal(await classOf(scheme(wx)), expected, `errcode ${errcode}`);
  }
  ctx.emu.inject({ route: SCHEME, kind: 'http500', status: 502 });
  assert.equal(await classOf(scheme(wx)), 'transient', 'HTTP 502');
  const down = new WeChatClient({ appid: 'wx1', secret: 'secret-1', baseUrl: `http://127.0.0.1:${await closedPort()}`, retries: 0 });
  assert.equal(await classOf(scheme(down)), 'transient', 'connection refused');
});

test('auth: no token to be had, or the one sent refused', async () => {
  const wrong = wechatClient(ctx.emu, { secret: 'wrong-secret-0000', retries: 0 });
  const err = await scheme(wrong).catch((e) => e);
  assert.equal(err.api, 'auth.getAccessToken');
  assert.equal(err.class, 'auth');
  const given = new WeChatClient({ accessToken: 'not-a-token-the-emulator-issued', baseUrl: ctx.emu.url, retries: 0 });
  assert.equal(await classOf(scheme(given)), 'auth');
  const dy = douyinClient(ctx.emu, { retries: 0 });
  ctx.emu.inject({ route: DY_LINK, kind: 'errcode', errcode: 12021 });
  assert.equal(await classOf(dy.urlLink.generate({ expireTime: Math.floor(Date.now() / 1000) + 3600 })), 'quota');
});

test('generateMany stops on the class: a rejected token stops the run as auth', async () => {
  const wx = new WeChatClient({ accessToken: 'not-a-token-the-emulator-issued', baseUrl: ctx.emu.url, retries: 0 });
  const rows = Array.from({ length: 20 }, () => ({ jumpWxa: { path: 'pages/a' } }));
  const outcomes = [];
  for await (const outcome of wx.generateMany(rows, { kind: 'urlscheme', concurrency: 1 })) outcomes.push(outcome);
  assert.equal(outcomes[0].error.class, 'auth');
  const notDone = outcomes.filter((o) => o.error && o.error.code === 'NOT_DONE');
  assert.ok(notDone.length > 0 && notDone.every((o) => o.error.reason === 'auth' && o.error.class === 'auth'));
  assert.ok(ctx.emu.requests.filter((r) => r.path === SCHEME).length < rows.length, 'the run stopped sending');
  assert.equal(ctx.emu.requests.filter((r) => r.path === TOKEN).length, 0);
});
