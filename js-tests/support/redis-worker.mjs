// One "cloud function instance" for js-tests/redis.test.mjs and
// fleet-redis.test.mjs: a child process (started with child_process.fork, see
// redis-workers.mjs) holding a WeChatClient whose tokenStore is
// redisTokenStore() over a real Redis, talking HTTP to the test's emulator.
//
// Environment:
//   MPL_EMU_URL, MPL_APPID, MPL_SECRET   the emulator and its WeChat credentials
//   MPL_REDIS_URL                        redis://127.0.0.1:<port>
//   MPL_REDIS_LIB                        'ioredis' or 'redis' (node-redis v4)
//   MPL_REDIS_DEPS                       the folder the client libraries are installed in
//   MPL_TIMEOUT_MS, MPL_RETRIES          client options (the lock TTL follows from them)
//   MPL_RATE_LIMITER                     'redis': rateLimiter is redisRateLimiter() on the same client
//   MPL_WORKER                           this worker's number (in the links' queries)
//
// Messages (IPC): it sends { ready: true } once connected; then answers
//   { id, cmd: 'burst', n }  ->  { id, ok, failures: [{ code, errcode, message }], ms }
// after firing n concurrent urllink.generate calls;
//   { id, cmd: 'many', n }   ->  the same, for generateMany of n URL Schemes
// (queries w=<MPL_WORKER>&i=0..n-1); and exits on { cmd: 'exit' }.
import path from 'node:path';
import { createRequire } from 'node:module';
import { WeChatClient } from 'miniprogram-links';

const require = createRequire(import.meta.url);
const { redisTokenStore, redisRateLimiter } = require('miniprogram-links/redis');

const env = process.env;
const deps = createRequire(path.join(env.MPL_REDIS_DEPS, 'package.json'));

async function connect() {
  if (env.MPL_REDIS_LIB === 'ioredis') {
    const Redis = deps('ioredis');
    const client = new (Redis.default || Redis)(env.MPL_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    return { client, close: () => client.quit() };
  }
  const { createClient } = deps('redis');
  const client = createClient({ url: env.MPL_REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  return { client, close: () => client.quit() };
}

const redis = await connect();
const wx = new WeChatClient({
  appid: env.MPL_APPID,
  secret: env.MPL_SECRET,
  baseUrl: env.MPL_EMU_URL,
  timeoutMs: Number(env.MPL_TIMEOUT_MS || 2000),
  retries: Number(env.MPL_RETRIES || 0),
  tokenStore: redisTokenStore(redis.client),
  rateLimiter: env.MPL_RATE_LIMITER === 'redis' ? redisRateLimiter(redis.client) : undefined,
});

/** How n calls went: { ok, failures, ms }; `calls()` resolves to their settled outcomes, `link` reads a result. */
async function tally(calls, link) {
  const started = Date.now();
  const outcomes = await calls();
  const failures = [];
  let ok = 0;
  for (const o of outcomes) {
    if (o.status === 'fulfilled' && typeof link(o.value) === 'string') ok += 1;
    else if (o.status === 'fulfilled') failures.push({ code: 'NO_LINK', message: JSON.stringify(o.value) });
    else failures.push({ code: o.reason && o.reason.code, errcode: o.reason && o.reason.errcode, message: String(o.reason && o.reason.message) });
  }
  return { ok, failures, ms: Date.now() - started };
}

function burst(n) {
  const calls = () =>
    Promise.allSettled(Array.from({ length: n }, (_, i) => wx.urllink.generate({ path: 'pages/index/index', query: `i=${i}&pid=${process.pid}` })));
  return tally(calls, (result) => result.urlLink);
}

async function many(n) {
  const requests = Array.from({ length: n }, (_, i) => ({ jumpWxa: { path: 'pages/index/index', query: `w=${env.MPL_WORKER}&i=${i}` } }));
  const calls = async () => {
    const outcomes = [];
    for await (const item of wx.generateMany(requests, { kind: 'urlscheme' })) {
      outcomes.push(item.error === undefined ? { status: 'fulfilled', value: item.result } : { status: 'rejected', reason: item.error });
    }
    return outcomes;
  };
  return tally(calls, (result) => result.openlink);
}

process.on('message', async (msg) => {
  if (!msg || typeof msg !== 'object') return;
  if (msg.cmd === 'burst' || msg.cmd === 'many') {
    const result = await (msg.cmd === 'burst' ? burst : many)(msg.n);
    process.send({ id: msg.id, ...result });
  } else if (msg.cmd === 'exit') {
    await redis.close().catch(() => {});
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

process.send({ ready: true, pid: process.pid });
