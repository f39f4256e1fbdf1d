// The `rateLimiter` option, in one process: which requests ask it and with what
// key and limit (from the endpoint table), a wait honoured before sending (a
// reservation: not asked again), every retry asking again, and a limiter that
// throws, never answers or asks for too long a wait failing the call with
// NETWORK_ERROR naming it, in time.
// The limiter shared through Redis by several processes: fleet-redis.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEmulator, wechatClient, douyinClient, requestsTo, rejectsWithLinkError, throwsLinkError, inFuture } from './helpers.mjs';
import { within } from './support/within.mjs';

const ctx = useEmulator();
const SCHEME = '/wxa/generatescheme';

/** A limiter answering `waits` in turn (0 once they run out), recording what it was asked. */
function scripted(waits = []) {
  const asked = [];
  return {
    asked,
    take(key, perSecond) {
      asked.push([key, perSecond]);
      return waits.length > 0 ? waits.shift() : 0;
    },
  };
}

test('the limiter is asked with the platform, appid and API as key and the documented limit; queries and token requests are not', async () => {
  const limiter = scripted();
  const wx = wechatClient(ctx.emu, { rateLimiter: limiter });
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
  await wx.urlscheme.generate({});
  await wx.urllink.query({ urlLink });
  const appid = ctx.emu.credentials.wechat.appid;
  assert.deepEqual(limiter.asked, [
    [`miniprogram-links:wechat:${appid}:urllink.generate`, 200],
    [`miniprogram-links:wechat:${appid}:urlscheme.generate`, 100],
  ]);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 1, 'the token request went out without asking');

  const dyLimiter = scripted();
  const dy = douyinClient(ctx.emu, { api: 'v2', rateLimiter: dyLimiter });
  await dy.urlLink.generate({ path: 'pages/a', expireTime: inFuture(3600) });
  assert.deepEqual(dyLimiter.asked, [[`miniprogram-links:douyin:${ctx.emu.credentials.douyin.appid}:douyin.v2.urlLink.generate`, 100]]);
});

test('a wait is honoured, then the request goes without asking again; a class instance keeps its `this`', async () => {
  class Limiter {
    constructor() {
      this.asked = 0;
    }
    async take() {
      this.asked += 1;
      return 120;
    }
  }
  const limiter = new Limiter();
  const wx = wechatClient(ctx.emu, { rateLimiter: limiter });
  const started = Date.now();
  await wx.urlscheme.generate({});
  assert.ok(Date.now() - started >= 120, 'waited 120 ms');
  assert.equal(limiter.asked, 1);
  assert.equal(requestsTo(ctx.emu, SCHEME).length, 1);
});

test('every retry asks the limiter again', async () => {
  const limiter = scripted();
  ctx.emu.inject({ route: SCHEME, kind: 'errcode', errcode: -1, times: 2 });
  const wx = wechatClient(ctx.emu, { rateLimiter: limiter, retries: 2 });
  await wx.urlscheme.generate({});
  assert.equal(requestsTo(ctx.emu, SCHEME).length, 3);
  assert.equal(limiter.asked.length, 3);
});

test('a limiter that fails, never answers or asks for too long a wait fails the call with NETWORK_ERROR naming it, in time', async () => {
  const cases = [
    [{ take: () => { throw new Error('redis down'); } }, /rateLimiter\.take failed: redis down$/],
    [{ take: async () => Promise.reject(new Error('refused')) }, /rateLimiter\.take failed: refused$/],
    [{ take: () => new Promise(() => {}) }, /rateLimiter\.take did not answer within 200 ms \(timeoutMs\)$/],
    [{ take: () => 250 }, /rateLimiter\.take asked for a wait of 250 ms, longer than timeoutMs \(200 ms\)$/],
    [{ take: () => 'soon' }, /rateLimiter\.take must return \(or resolve to\) a number of milliseconds$/],
  ];
  for (const [limiter, message] of cases) {
    const wx = wechatClient(ctx.emu, { rateLimiter: limiter, timeoutMs: 200, retries: 0 });
    const started = Date.now();
    await within(rejectsWithLinkError(wx.urlscheme.generate({}), { code: 'NETWORK_ERROR', api: 'urlscheme.generate', message }), 2000, `${message}: the call hung`);
    assert.ok(Date.now() - started < 1000, `${message}: failed in time`);
  }
  assert.equal(requestsTo(ctx.emu, SCHEME).length, 0, 'nothing was sent past the limiter');
});

test('rateLimiter must be an object with a take function', () => {
  const { appid, secret } = ctx.emu.credentials.wechat;
  for (const [rateLimiter, field] of [[5, 'rateLimiter'], [{}, 'rateLimiter.take'], [{ take: 1 }, 'rateLimiter.take']]) {
    throwsLinkError(() => wechatClient(ctx.emu, { rateLimiter }), { code: 'INVALID_ARGUMENT', field });
  }
  assert.ok(wechatClient(ctx.emu, { appid, secret, rateLimiter: { take: () => 0 } }));
});
