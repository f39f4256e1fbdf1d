// The Redis tokenStore adapter (`miniprogram-links/redis`) against a real
// redis-server, with both client libraries (ioredis 5, node-redis 4):
//
// - the adapter itself: get (null on miss or garbage), set as compare-and-set
//   (a stale instance never overwrites a newer token; expires with the token),
//   lock (SET NX PX, release only if still ours, expiry); redisRateLimiter's
//   windows (share of the limit each, places taken in the order asked);
// - many instances, one token: 4 Node processes (js-tests/support/redis-worker.mjs)
//   x 50 concurrent calls on a cold store make exactly ONE token request;
//   a token revoked under all 4 warm processes is replaced once in total;
//   a lock holder SIGKILLed mid-refresh stalls the others one lock TTL at most;
// - a lock whose SET lands after the caller stopped waiting (Redis paused with
//   SIGSTOP, then resumed) is released as soon as it lands, not left for its TTL;
// - Redis Cluster: a real 3-master cluster (redis-cli --cluster create), with
//   node-redis' createCluster() and ioredis' Cluster: the same adapter checks,
//   and two WeChatClients over separate cluster clients share one token.
//
// redis-server is found on PATH or installed from the Debian package, started
// on 127.0.0.1 on a free port with no persistence, and stopped at the end
// (js-tests/support/redis-server.mjs); the client libraries are installed for
// the test only into a cache folder outside the project. The whole file is one
// top-level test with subtests, so that the server is stopped in `finally` on
// every Node version (Node 16's runner never calls top-level after hooks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { withRedis, startRedisCluster, rawCommand } from './support/redis-server.mjs';
import { startWorkers } from './support/redis-workers.mjs';
import { withEmulator, wechatClient, requestsTo, sleep, awayFromSecondEdge } from './helpers.mjs';

const require = createRequire(import.meta.url);
const TOKEN = '/cgi-bin/token';

let redisTokenStore;
let redisRateLimiter;
try {
  ({ redisTokenStore, redisRateLimiter } = require('miniprogram-links/redis'));
} catch (err) {
  redisTokenStore = null;
}

let counter = 0;
const uniqueKey = (label) => `test:${label}:${process.pid}:${Date.now()}:${counter++}`;
const HOUR = 3600 * 1000;

/** A raw command through either client library (node-redis' cluster client takes the key first). */
function raw(client, args) {
  if (typeof client.call === 'function') return client.call(...args);
  if ('masters' in client) return client.sendCommand(args[1], false, args);
  return client.sendCommand(args);
}

/**
 * A connected client: lib 'ioredis' or 'redis' (node-redis) on `target` (a
 * redis:// URL), or 'ioredis-cluster' / 'redis-cluster' on `target` (what
 * startRedisCluster() resolved to).
 */
async function openClient(libs, lib, target, extra = {}) {
  if (lib === 'ioredis-cluster') {
    const nodes = target.nodes.map(({ host, port }) => ({ host, port }));
    const client = new libs.Redis.Cluster(nodes, { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 1 }, ...extra });
    client.on('error', () => {});
    await client.connect();
    return { client, close: () => client.quit() };
  }
  if (lib === 'redis-cluster') {
    const client = libs.createCluster({ rootNodes: target.urls.map((url) => ({ url })), ...extra });
    client.on('error', () => {});
    await client.connect();
    return { client, close: () => client.quit() };
  }
  const url = target;
  if (lib === 'ioredis') {
    const client = new libs.Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, ...extra });
    await client.connect();
    return { client, close: () => client.quit() };
  }
  const client = libs.createClient({ url, ...extra });
  client.on('error', () => {});
  await client.connect();
  // In legacy mode quit() is the callback-style command: the client would
  // take the server's close for a dropped connection and reconnect forever.
  return { client, close: () => (extra.legacyMode ? client.disconnect() : client.quit()) };
}

function token(name, expiresAt) {
  return { accessToken: name, expiresAt, refreshAt: expiresAt - 5 * 60 * 1000 };
}

// ---------------------------------------------------------------- workers

function assertAllOk(results, perWorker) {
  for (const [i, r] of results.entries()) {
    assert.deepEqual(r.failures, [], `worker ${i}: failures`);
    assert.equal(r.ok, perWorker, `worker ${i}: successful calls`);
  }
}

// ---------------------------------------------------------------- the adapter alone

async function adapterSuite(t, libs, lib, target) {
  const { client, close } = await openClient(libs, lib, target);
  try {
    const store = redisTokenStore(client);
    await t.test(`${lib}: get is null on a miss and on anything that is not a JSON object`, async () => {
      const key = uniqueKey('get');
      assert.equal(await store.get(key), null);
      for (const garbage of ['not json', '"a string"', '42', 'null', '[1,2]', '{"accessToken":']) {
        await raw(client, ['SET', key, garbage]);
        assert.equal(await store.get(key), null, `GET ${garbage}`);
      }
      const value = token('T', Date.now() + HOUR);
      await raw(client, ['SET', key, JSON.stringify(value)]);
      assert.deepEqual(await store.get(key), value);
    });

    await t.test(`${lib}: set writes when nothing is stored, with PX = expiresAt - now`, async () => {
      const key = uniqueKey('set');
      const value = token('FIRST', Date.now() + HOUR);
      assert.equal(await store.set(key, value), true);
      assert.deepEqual(JSON.parse(await raw(client, ['GET', key])), value);
      const pttl = Number(await raw(client, ['PTTL', key]));
      assert.ok(pttl > HOUR - 10_000 && pttl <= HOUR, `PTTL ${pttl}`);
    });

    await t.test(`${lib}: set is compare-and-set: an older or equal expiresAt never overwrites a newer token`, async () => {
      const key = uniqueKey('cas');
      const now = Date.now();
      const newer = token('NEWER', now + 2 * HOUR);
      assert.equal(await store.set(key, newer), true);
      assert.equal(await store.set(key, token('STALE', now + HOUR)), false, 'older');
      assert.equal(await store.set(key, token('SAME_TIME', now + 2 * HOUR)), false, 'equal');
      assert.deepEqual(await store.get(key), newer);
      const newest = token('NEWEST', now + 3 * HOUR);
      assert.equal(await store.set(key, newest), true);
      assert.deepEqual(await store.get(key), newest);
    });

    await t.test(`${lib}: set replaces garbage, and keeps a token about to expire at least 1 s`, async () => {
      const key = uniqueKey('garbage');
      await raw(client, ['SET', key, '{broken']);
      const soon = token('SOON', Date.now() + 10);
      assert.equal(await store.set(key, soon), true);
      assert.deepEqual(await store.get(key), soon);
      const pttl = Number(await raw(client, ['PTTL', key]));
      assert.ok(pttl > 500 && pttl <= 1000, `PTTL ${pttl}`);
      await assert.rejects(store.set(key, { accessToken: 'X' }), TypeError);
      await assert.rejects(store.set(key, token('X', Number.NaN)), TypeError);
    });

    await t.test(`${lib}: 30 concurrent sets in random order leave the latest-expiring token`, async () => {
      const key = uniqueKey('race');
      const base = Date.now() + HOUR;
      const order = Array.from({ length: 30 }, (_, i) => i).sort(() => Math.random() - 0.5);
      const written = await Promise.all(order.map((i) => store.set(key, token(`T${i}`, base + i * 1000))));
      assert.ok(written.includes(true));
      assert.equal((await store.get(key)).accessToken, 'T29');
    });

    await t.test(`${lib}: lock is exclusive; release frees it once and only if still ours`, async () => {
      const key = uniqueKey('lock');
      const release = await store.lock(key, 10_000);
      assert.equal(typeof release, 'function');
      assert.equal(await store.lock(key, 10_000), null, 'busy while held');
      const pttl = Number(await raw(client, ['PTTL', `${key}:lock`]));
      assert.ok(pttl > 9000 && pttl <= 10_000, `lock PTTL ${pttl}`);
      assert.equal(await release(), true);
      assert.equal(await release(), true, 'releasing twice is harmless (same answer)');
      const again = await store.lock(key, 10_000);
      assert.equal(typeof again, 'function', 'free after release');
      await again();
    });

    await t.test(`${lib}: an expired lock can be taken, and the old holder's release leaves the new lock alone`, async () => {
      const key = uniqueKey('expiry');
      const first = await store.lock(key, 150);
      assert.equal(typeof first, 'function');
      await sleep(300);
      const second = await store.lock(key, 10_000);
      assert.equal(typeof second, 'function', 'taken after the TTL');
      assert.equal(await first(), false, 'the stale release deletes nothing');
      assert.equal(await store.lock(key, 10_000), null, 'the new holder still holds it');
      assert.equal(await second(), true);
    });

    await t.test(`${lib}: prefix goes before the token key and the lock key`, async () => {
      const prefixed = redisTokenStore(client, { prefix: 'tenant-a:' });
      const key = uniqueKey('prefix');
      const value = token('P', Date.now() + HOUR);
      await prefixed.set(key, value);
      assert.equal(await store.get(key), null);
      assert.deepEqual(JSON.parse(await raw(client, ['GET', `tenant-a:${key}`])), value);
      const release = await prefixed.lock(key, 5000);
      assert.equal(Number(await raw(client, ['EXISTS', `tenant-a:${key}:lock`])), 1);
      await release();
    });

    await t.test(`${lib}: redisRateLimiter places share of the limit in each one-second window, in the order asked`, async () => {
      const limiter = redisRateLimiter(client, { share: 0.5, prefix: 'tenant-b:' });
      const key = uniqueKey('limit');
      // The takes well inside one second of the server's clock (the same host's).
      await awayFromSecondEdge(300);
      const waits = [];
      for (let i = 0; i < 11; i++) waits.push(await limiter.take(key, 10));
      assert.deepEqual(waits.slice(0, 5), [0, 0, 0, 0, 0], '5 = 10 x 0.5 go at once');
      for (const wait of waits.slice(5, 10)) assert.ok(wait > 0 && wait <= 1000, `the next 5 wait for the next window: ${wait}`);
      assert.ok(waits[10] > 1000 && waits[10] <= 2000, `the 11th for the one after: ${waits[10]}`);
      assert.equal(await raw(client, ['HGET', `tenant-b:${key}`, 'count']).then(Number), 1, 'the furthest window holds one place');
      const pttl = Number(await raw(client, ['PTTL', `tenant-b:${key}`]));
      assert.ok(pttl > 2000 && pttl <= 4000, `the key outlives its furthest window (${pttl} ms)`);
      assert.throws(() => redisRateLimiter(client, { share: 0 }), TypeError);
      assert.throws(() => redisRateLimiter(client, { share: 1.5 }), TypeError);
      assert.throws(() => redisRateLimiter({}), /redisRateLimiter: expected an ioredis client/);
    });
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------- a lock that lands late

/** Polls (bounded) until the key is gone; resolves to whether it went within `ms`. */
async function goneWithin(port, key, ms) {
  const deadline = Date.now() + ms;
  do {
    if ((await rawCommand(port, `EXISTS ${key}`)) === ':0') return true;
    await sleep(20);
  } while (Date.now() < deadline);
  return false;
}

async function lateLockSuite(t, libs, lib, server) {
  const { client, close } = await openClient(libs, lib, server.url);
  const store = redisTokenStore(client);
  // The lock TTLs below are far longer than this: a lock still there after it
  // was left behind, not released.
  const PROMPTLY_MS = 3000;
  /** After resume(): a command sent behind the lock's SET on the same connection has been answered, so the SET ran. */
  const drained = async () => assert.equal(String(await raw(client, ['PING'])), 'PONG');
  try {
    await t.test(`${lib}: a WeChatClient whose lock() timed out while Redis was stalled leaves no lock behind once Redis is back`, async () => {
      await rawCommand(server.port, 'FLUSHALL');
      await withEmulator(async (emu) => {
        const lockKey = `miniprogram-links:wechat:${emu.credentials.wechat.appid}:access_token:lock`;
        // Passes every call through to the adapter; Redis stops right after the
        // first get has answered, so the core's lock() is sent to a stalled Redis.
        let paused = false;
        const locks = [];
        const stalling = {
          async get(key) {
            const value = await store.get(key);
            if (!paused) {
              paused = true;
              await server.pause();
            }
            return value;
          },
          set: (key, value) => store.set(key, value),
          lock: (...args) => {
            locks.push(args);
            return store.lock(...args);
          },
        };
        // Lock TTL: 1500 x 3 + 2000 = 6500 ms, longer than PROMPTLY_MS.
        const wx = wechatClient(emu, { tokenStore: stalling, timeoutMs: 1500, retries: 2 });
        try {
          await assert.rejects(wx.urllink.generate({ path: 'pages/a' }), (err) => err.name === 'LinkError');
        } finally {
          server.resume();
        }
        assert.equal(locks.length, 1, 'the core asked for the lock once, while Redis was stalled');
        assert.ok(locks[0][1] > PROMPTLY_MS, `lock TTL ${locks[0][1]} ms`);
        assert.equal(requestsTo(emu, TOKEN).length, 0, 'no token was fetched');
        await drained();
        assert.ok(await goneWithin(server.port, lockKey, PROMPTLY_MS), 'the lock was released when its SET landed, not left for its TTL');
        // The next call takes the lock and fetches at once.
        const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
        assert.equal(typeof urlLink, 'string');
        assert.equal(requestsTo(emu, TOKEN).length, 1);
      });
    });
  } finally {
    server.resume();
    await close();
  }
}

// ---------------------------------------------------------------- Redis Cluster

async function clusterSuite(t, libs, cluster) {
  for (const lib of ['redis-cluster', 'ioredis-cluster']) {
    await adapterSuite(t, libs, lib, cluster);
  }

  await t.test('Redis Cluster: WeChatClients over separate cluster clients (node-redis and ioredis) share one token; lock works', async () => {
    const a = await openClient(libs, 'redis-cluster', cluster);
    const b = await openClient(libs, 'redis-cluster', cluster);
    const c = await openClient(libs, 'ioredis-cluster', cluster);
    try {
      await withEmulator(async (emu) => {
        const key = `miniprogram-links:wechat:${emu.credentials.wechat.appid}:access_token`;
        await raw(a.client, ['DEL', key]);
        await raw(a.client, ['DEL', `${key}:lock`]);
        const first = wechatClient(emu, { tokenStore: redisTokenStore(a.client), retries: 0 });
        const results = await Promise.all(Array.from({ length: 10 }, () => first.urllink.generate({ path: 'pages/a' })));
        assert.ok(results.every((r) => typeof r.urlLink === 'string'));
        assert.equal(requestsTo(emu, TOKEN).length, 1, 'one token request');
        const [issued] = emu.issuedTokens;
        // Stored in the cluster (read back over another connection), the lock released.
        assert.equal(JSON.parse(await raw(b.client, ['GET', key])).accessToken, issued);
        assert.equal(Number(await raw(c.client, ['EXISTS', `${key}:lock`])), 0);

        // Two more clients, each with its own cluster connection, adopt it.
        const second = wechatClient(emu, { tokenStore: redisTokenStore(b.client), retries: 0 });
        const third = wechatClient(emu, { tokenStore: redisTokenStore(c.client), retries: 0 });
        const more = await Promise.all([
          ...Array.from({ length: 5 }, () => second.urllink.generate({ path: 'pages/b' })),
          ...Array.from({ length: 5 }, () => third.urllink.generate({ path: 'pages/c' })),
        ]);
        assert.ok(more.every((r) => typeof r.urlLink === 'string'));
        assert.equal(requestsTo(emu, TOKEN).length, 1, 'no new token request: the stored token was adopted');
        const links = requestsTo(emu, '/wxa/generate_urllink');
        assert.equal(links.length, 20);
        assert.ok(links.every((r) => r.query.access_token === issued));

        // The lock, across the two libraries' cluster clients.
        const viaRedis = redisTokenStore(b.client);
        const viaIoredis = redisTokenStore(c.client);
        const release = await viaRedis.lock(key, 10_000);
        assert.equal(typeof release, 'function');
        assert.equal(await viaIoredis.lock(key, 10_000), null, 'busy while held');
        assert.equal(await release(), true);
        const again = await viaIoredis.lock(key, 10_000);
        assert.equal(typeof again, 'function', 'free after release');
        assert.equal(await viaRedis.lock(key, 10_000), null);
        assert.equal(await again(), true);
      });
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });
}

// ---------------------------------------------------------------- the file

test('redisTokenStore with a real redis-server, ioredis and node-redis', { timeout: 240_000 }, async (t) => {
  if (!redisTokenStore) {
    assert.fail("require('miniprogram-links/redis') failed: the package must export ./redis");
  }
  await withRedis(t, async (server, libs) => {
    await t.test('redisTokenStore rejects what is not a Redis client, and bad options', () => {
      assert.throws(() => redisTokenStore(undefined), TypeError);
      assert.throws(() => redisTokenStore({}), TypeError);
      assert.throws(() => redisTokenStore({ get() {}, set() {} }), TypeError);
      assert.throws(() => redisTokenStore({ sendCommand: async () => null }, { prefix: 5 }), TypeError);
      assert.throws(() => redisTokenStore({ sendCommand: async () => null }, 'x'), TypeError);
    });

    await t.test("a node-redis cluster client gets (key, isReadonly, args); a single-node client gets (args)", async () => {
      const single = [];
      const clustered = [];
      const clusterLike = {
        masters: [],
        slots: [],
        async sendCommand(firstKey, isReadonly, args) {
          clustered.push([firstKey, isReadonly, args]);
          return args[0] === 'SET' ? 'OK' : null;
        },
      };
      await redisTokenStore({ async sendCommand(args) { single.push(args); return null; } }).get('k');
      assert.deepEqual(single, [['GET', 'k']]);
      const store = redisTokenStore(clusterLike, { prefix: 'p:' });
      assert.equal(await store.get('k'), null);
      const release = await store.lock('k', 1000);
      await release();
      assert.deepEqual(
        clustered.map(([firstKey, isReadonly, args]) => [firstKey, isReadonly, args[0]]),
        [['p:k', false, 'GET'], ['p:k:lock', false, 'SET'], ['p:k:lock', false, 'EVAL']],
      );
      // node-redis before 4.6: getMasters() instead of the getters.
      const old = [];
      const oldCluster = { getMasters: () => [], async sendCommand(firstKey, isReadonly, args) { old.push(firstKey); return null; } };
      await redisTokenStore(oldCluster).get('k');
      assert.deepEqual(old, ['k']);
    });

    await t.test('a Redis error reaches the client as a failed token fetch, without the command arguments', async () => {
      const sent = [];
      const failing = {
        async sendCommand(args) {
          sent.push(args);
          const err = new Error('READONLY You cannot write against a read only replica.');
          err.command = { args }; // what ioredis attaches: it would carry the token
          throw err;
        },
      };
      const store = redisTokenStore(failing);
      await assert.rejects(store.set('k', token('SECRET-TOKEN', Date.now() + HOUR)), (err) => {
        assert.match(err.message, /^redis EVAL: READONLY/);
        assert.equal(err.command, undefined);
        assert.ok(!JSON.stringify(err).includes('SECRET-TOKEN') && !String(err.stack).includes('SECRET-TOKEN'));
        return true;
      });
      assert.equal(sent.length, 1);
    });

    for (const lib of ['ioredis', 'node-redis']) {
      await adapterSuite(t, libs, lib === 'node-redis' ? 'redis' : 'ioredis', server.url);
    }

    await t.test('node-redis in legacyMode works through client.v4', async () => {
      const { client, close } = await openClient(libs, 'redis', server.url, { legacyMode: true });
      try {
        const store = redisTokenStore(client);
        const key = uniqueKey('legacy');
        const value = token('L', Date.now() + HOUR);
        assert.equal(await store.set(key, value), true);
        assert.deepEqual(await store.get(key), value);
        const release = await store.lock(key, 1000);
        assert.equal(typeof release, 'function');
        assert.equal(await release(), true);
      } finally {
        await close();
      }
    });

    await t.test('in one process: two clients on one Redis share one token (ioredis and node-redis)', async () => {
      await rawCommand(server.port, 'FLUSHALL');
      const a = await openClient(libs, 'ioredis', server.url);
      const b = await openClient(libs, 'redis', server.url);
      try {
        await withEmulator(async (emu) => {
          const one = wechatClient(emu, { tokenStore: redisTokenStore(a.client), retries: 0 });
          const two = wechatClient(emu, { tokenStore: redisTokenStore(b.client), retries: 0 });
          const results = await Promise.all([
            ...Array.from({ length: 10 }, () => one.urllink.generate({ path: 'pages/a' })),
            ...Array.from({ length: 10 }, () => two.urllink.generate({ path: 'pages/a' })),
          ]);
          assert.ok(results.every((r) => typeof r.urlLink === 'string'));
          assert.equal(requestsTo(emu, TOKEN).length, 1);
          const stored = await redisTokenStore(a.client).get(`miniprogram-links:wechat:${emu.credentials.wechat.appid}:access_token`);
          assert.equal(stored.accessToken, emu.issuedTokens[0]);
        });
      } finally {
        await a.close();
        await b.close();
      }
    });

    for (const lib of ['ioredis', 'redis']) {
      await lateLockSuite(t, libs, lib, server);
    }

    const cluster = await startRedisCluster();
    if (cluster.skip) {
      await t.test('Redis Cluster', { skip: cluster.skip }, () => {});
    } else {
      try {
        await clusterSuite(t, libs, cluster);
      } finally {
        await cluster.stop();
      }
    }

    await t.test('4 processes x 50 concurrent calls on a cold store: exactly one token request', async () => {
      await rawCommand(server.port, 'FLUSHALL');
      await withEmulator(async (emu) => {
        const workers = await startWorkers(4, { emu, redisUrl: server.url, libs });
        try {
          const results = await Promise.all(workers.map((w) => w.burst(50)));
          assertAllOk(results, 50);
          assert.equal(requestsTo(emu, TOKEN).length, 1, 'token requests from 4 cold processes');
          assert.equal(requestsTo(emu, '/wxa/generate_urllink').length, 200);
          const [only] = emu.issuedTokens;
          assert.ok(requestsTo(emu, '/wxa/generate_urllink').every((r) => r.query.access_token === only));
        } finally {
          await Promise.all(workers.map((w) => w.stop()));
        }
      });
    });

    await t.test('a token rejected under 4 warm processes is replaced once, not once per process', async () => {
      await rawCommand(server.port, 'FLUSHALL');
      await withEmulator(async (emu) => {
        const workers = await startWorkers(4, { emu, redisUrl: server.url, libs });
        try {
          assertAllOk(await Promise.all(workers.map((w) => w.burst(5))), 5);
          assert.equal(requestsTo(emu, TOKEN).length, 1, 'warm-up');
          const [first] = emu.issuedTokens;
          assert.equal(emu.revokeToken(first), true);
          emu.clear();
          const results = await Promise.all(workers.map((w) => w.burst(20)));
          assertAllOk(results, 20);
          assert.equal(requestsTo(emu, TOKEN).length, 1, 'new token requests after the revocation, all processes together');
          assert.equal(emu.issuedTokens.length, 2);
          const links = requestsTo(emu, '/wxa/generate_urllink');
          const rejectedTries = links.filter((r) => r.query.access_token === first).length;
          assert.ok(rejectedTries >= 4, `every process tried the revoked token (${rejectedTries})`);
          assert.equal(links.length - rejectedTries, 80, 'every call succeeded with the new token');
          assert.ok(links.filter((r) => r.query.access_token !== first).every((r) => r.query.access_token === emu.issuedTokens[1]));
        } finally {
          await Promise.all(workers.map((w) => w.stop()));
        }
      });
    });

    await t.test('a lock holder killed mid-refresh does not block the others past the lock TTL', async (st) => {
      await rawCommand(server.port, 'FLUSHALL');
      // timeoutMs 2000, retries 0: lock TTL = 2000 x 1 + 2000 = 4000 ms (store::lock_ttl_ms).
      const timeoutMs = 2000;
      const ttlMs = timeoutMs + 2000;
      await withEmulator(async (emu) => {
        const workers = await startWorkers(4, { emu, redisUrl: server.url, libs, timeoutMs });
        const [holder, ...others] = workers;
        const lockKey = `miniprogram-links:wechat:${emu.credentials.wechat.appid}:access_token:lock`;
        try {
          // The holder's token request hangs (longer than anything here).
          emu.inject({ route: TOKEN, kind: 'delay', ms: 60_000, times: 1 });
          const held = holder.burst(1);
          const deadline = Date.now() + 5000;
          while (requestsTo(emu, TOKEN).length === 0 && Date.now() < deadline) await sleep(5);
          assert.equal(requestsTo(emu, TOKEN).length, 1, "the holder's token request arrived");
          assert.equal(await rawCommand(server.port, `EXISTS ${lockKey}`), ':1', 'the holder took the lock');
          const lockedFor = Number((await rawCommand(server.port, `PTTL ${lockKey}`)).slice(1));
          assert.ok(lockedFor > 0 && lockedFor <= ttlMs, `lock PTTL ${lockedFor}`);
          holder.child.kill('SIGKILL');
          const { signal } = await holder.exited;
          assert.equal(signal, 'SIGKILL');
          await held; // answered as WORKER_EXITED

          const started = Date.now();
          const results = await Promise.all(others.map((w) => w.burst(10)));
          const elapsed = Date.now() - started;
          assertAllOk(results, 10);
          assert.equal(requestsTo(emu, TOKEN).length, 2, "the killed holder's request and ONE new one");
          // They waited for the orphaned lock to expire (at most one TTL), then
          // one of them refreshed; not three rounds of waiting.
          assert.ok(elapsed < ttlMs + 3000, `the others finished in ${elapsed} ms (lock TTL ${ttlMs} ms)`);
          st.diagnostic(`crashed holder: the other 3 processes finished ${elapsed} ms after the kill (lock TTL ${ttlMs} ms, ${lockedFor} ms left at the kill)`);
        } finally {
          await Promise.all(workers.map((w) => w.stop()));
        }
      });
    });
  });
});
