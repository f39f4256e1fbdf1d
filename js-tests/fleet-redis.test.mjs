// Many processes, one appid, limits shared through Redis: 3 Node processes
// (js-tests/support/redis-worker.mjs), each running generateMany of 100 URL
// Schemes at its own default rate (90/s: together three times the platform's
// 100/s), against the emulator enforcing 100 a second per appid in fixed
// windows (44990 past it).
//
// - with `rateLimiter: redisRateLimiter(redis)` (90 % of 100 for the fleet):
//   zero 44990, every link generated exactly once, and the run no faster than
//   90 a second allows;
// - the same run without it sees 44990s (so the first can fail);
// - Redis stopped (SIGSTOP) under a client: the call fails in time with
//   NETWORK_ERROR naming the limiter.
//
// Real redis-server and client libraries as in redis.test.mjs; one top-level
// test so that the server is stopped in `finally` on every Node version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { withRedis } from './support/redis-server.mjs';
import { startWorkers } from './support/redis-workers.mjs';
import { withEmulator, wechatClient, requestsTo, rejectsWithLinkError } from './helpers.mjs';
import { within } from './support/within.mjs';

const require = createRequire(import.meta.url);
const { redisRateLimiter } = require('miniprogram-links/redis');
const { startEmulator } = require('./emulator/index.cjs');

const SCHEME = '/wxa/generatescheme';
const WORKERS = 3;
const PER_WORKER = 100;
const PLATFORM_LIMIT = 100; // URL Scheme, per second per appid
const FLEET_LIMIT = Math.floor(PLATFORM_LIMIT * 0.9);

/** Runs the fleet against a fresh emulator: what each worker reported, and what the emulator saw. */
async function fleetRun({ redisUrl, libs, limiter }) {
  const emu = await startEmulator({ port: 0, rateLimits: true, dailyQuota: 100000 });
  try {
    const workers = await startWorkers(WORKERS, { emu, redisUrl, libs, retries: 2, env: { MPL_RATE_LIMITER: limiter } });
    try {
      const results = await Promise.all(workers.map((w) => w.many(PER_WORKER)));
      return { results, refused: emu.rateRefusals(), sent: requestsTo(emu, SCHEME) };
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  } finally {
    await emu.close();
  }
}

/** How many of `times` (ms) fell in each second, in order. */
function perSecond(times) {
  const counts = new Map();
  for (const ms of times) counts.set(Math.floor(ms / 1000), (counts.get(Math.floor(ms / 1000)) || 0) + 1);
  return [...counts.keys()].sort((a, b) => a - b).map((second) => counts.get(second));
}

test('limits shared through Redis by several processes', { timeout: 120_000 }, async (t) => {
  await withRedis(t, async (server, libs) => {
    await t.test(`${WORKERS} processes far above the limit, with redisRateLimiter: no 44990, every link once, no faster than ${FLEET_LIMIT} a second`, async (st) => {
      const run = await fleetRun({ redisUrl: server.url, libs, limiter: 'redis' });
      for (const [i, r] of run.results.entries()) {
        assert.deepEqual(r.failures, [], `worker ${i}: failures`);
        assert.equal(r.ok, PER_WORKER, `worker ${i}: links`);
      }
      assert.equal(run.refused, 0, '44990 answers');
      const queries = run.sent.map((r) => r.json.jump_wxa.query);
      assert.equal(new Set(queries).size, WORKERS * PER_WORKER, 'every request asked for once');
      assert.equal(queries.length, WORKERS * PER_WORKER, 'and sent once');
      // n requests at FLEET_LIMIT per Redis window fill at least ceil(n / FLEET_LIMIT)
      // windows (4 for 300, where 100 a second would fill 3), and reach the
      // emulator in as many seconds at least: a request sent at the very end of
      // a window may arrive in the next (so a second may see a few more than
      // FLEET_LIMIT, never more than the platform's limit: no 44990 above).
      const windows = Math.ceil(queries.length / FLEET_LIMIT);
      const times = run.sent.map((r) => r.time);
      const elapsed = Math.max(...times) - Math.min(...times);
      assert.ok(perSecond(times).length >= windows, `spread over ${windows} seconds at least`);
      assert.ok(elapsed >= (windows - 2) * 1000, `${queries.length} requests in ${elapsed} ms`);
      st.diagnostic(`fleet with redisRateLimiter: ${queries.length} links, ${perSecond(times).join(', ')} a second (limit ${PLATFORM_LIMIT}), 0 x 44990`);
    });

    await t.test('the same run without the limiter gets 44990s', async (st) => {
      const run = await fleetRun({ redisUrl: server.url, libs, limiter: 'none' });
      assert.ok(run.refused > 0, 'the emulator refused some requests with 44990');
      st.diagnostic(`without the limiter: ${run.refused} x 44990, ${perSecond(run.sent.map((r) => r.time)).join(', ')} requests a second`);
    });

    await t.test('Redis not answering fails the call in time with NETWORK_ERROR naming the limiter', async () => {
      const client = new libs.Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      try {
        await withEmulator(async (emu) => {
          const wx = wechatClient(emu, { rateLimiter: redisRateLimiter(client), timeoutMs: 300, retries: 0 });
          await wx.getAccessToken();
          await server.pause();
          try {
            const call = rejectsWithLinkError(wx.urlscheme.generate({}), { code: 'NETWORK_ERROR', message: /rateLimiter\.take did not answer within 300 ms/ });
            await within(call, 3000, 'the call hung on a stopped Redis');
          } finally {
            server.resume();
          }
          assert.equal(requestsTo(emu, SCHEME).length, 0);
        });
      } finally {
        client.disconnect();
      }
    });
  });
});
