'use strict';
// A ready `tokenStore` and `rateLimiter` over a Redis client the caller already
// has: ioredis (4.x/5.x, single node or Cluster) or node-redis (v4+, `redis` on
// npm). Neither is a dependency of this package; the adapters only send raw commands.
//
//   const Redis = require('ioredis');
//   const { redisTokenStore } = require('miniprogram-links/redis');
//   const wx = new WeChatClient({ appid, secret, tokenStore: redisTokenStore(new Redis(url)) });
//
// Every instance sharing the store shares one token: the instance that needs a
// new one takes `lock`, fetches, `set`s and releases; the others adopt it.
//
// Redis Cluster: every command touches one key (the token key, or the lock key
// `<key>:lock`), and each script declares the one key it touches, so the two
// keys may live in different slots. ioredis' `Cluster` routes by that key by
// itself; node-redis' `createCluster()` client is handed it explicitly.

const crypto = require('crypto');

// Compare-and-set: write the token only if nothing (readable) is stored, or the
// new token expires later than the stored one. A stale instance that fetched
// earlier can thus never overwrite a newer token. One key per script, so it
// also runs on Redis Cluster.
// KEYS[1] token key; ARGV[1] the JSON value, ARGV[2] its expiresAt, ARGV[3] PX.
const SET_IF_NEWER = `
local stored = redis.call('GET', KEYS[1])
if stored then
  local ok, old = pcall(cjson.decode, stored)
  if ok and type(old) == 'table' then
    local at = tonumber(old['expiresAt'])
    if at and at >= tonumber(ARGV[2]) then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;

// Compare-and-delete: release the lock only if it still holds our id (it may
// have expired and been taken by another instance meanwhile).
// KEYS[1] lock key; ARGV[1] our id.
const RELEASE_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

// One take: a place in the first fixed one-second window of the Redis server's
// clock (TIME: the callers' clocks may disagree) that still has room, counting
// from the current one. Resolves to the milliseconds until that window opens
// (0: the current one), after which the caller sends without asking again: the
// windows fill in the order the takes came, so no caller loses the race for a
// window again and again. One key, holding the furthest window with takes and
// its count, so it runs on Cluster.
// KEYS[1] the limit's key; ARGV[1] the requests a window allows.
const TAKE_A_PLACE = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = math.floor(now / 1000)
local last = redis.call('HMGET', KEYS[1], 'window', 'count')
local count = 0
if tonumber(last[1]) and tonumber(last[1]) >= window then
  window = tonumber(last[1])
  count = tonumber(last[2]) or 0
end
if count >= tonumber(ARGV[1]) then
  window = window + 1
  count = 0
end
redis.call('HSET', KEYS[1], 'window', window, 'count', count + 1)
redis.call('PEXPIRE', KEYS[1], (window + 2) * 1000 - now)
return math.max(0, window * 1000 - now)
`;

const MIN_PX_MS = 1000;
const DEFAULT_SHARE = 0.9;

function isClient(client) {
  return client !== null && (typeof client === 'object' || typeof client === 'function');
}

/**
 * Whether `client` is a node-redis (v4+) cluster client (`createCluster()`),
 * whose `sendCommand` is `(firstKey, isReadonly, args)` rather than `(args)`.
 * node-redis 4.6+ has the `masters`/`slots` getters; 4.0-4.5 had `getMasters()`
 * and `getSlotMaster()` instead (deprecated since). The single-node client has
 * none of them.
 */
function isNodeRedisCluster(client) {
  return typeof client.getSlotMaster === 'function' || typeof client.getMasters === 'function' || ('masters' in client && 'slots' in client);
}

/**
 * One function that sends a raw command (`['SET', key, value, …]`, all strings)
 * about one `key` through whichever client was given, and resolves to Redis's
 * reply.
 */
function commandFor(client, adapter) {
  if (!isClient(client)) {
    throw new TypeError(`${adapter}: expected an ioredis or node-redis (v4+) client`);
  }
  // ioredis (`Redis` and `Cluster`): `call(name, ...args)` (its `sendCommand`
  // takes a Command object, so test `call` first). A Cluster finds the key in
  // the arguments itself (for EVAL, after numkeys).
  if (typeof client.call === 'function' && (typeof client.defineCommand === 'function' || typeof client.sendCommand !== 'function')) {
    return (args) => client.call(...args);
  }
  // node-redis v4+ cluster: the key picks the node (its slot's master: the
  // token and the lock are read and written on masters only).
  if (typeof client.sendCommand === 'function' && isNodeRedisCluster(client)) {
    return (args, key) => client.sendCommand(key, false, args);
  }
  // node-redis v4+: `sendCommand(['GET', key])`. With `legacyMode: true` the
  // promise API is under `client.v4` (a getter that throws outside legacy mode).
  let v4;
  try {
    v4 = client.v4;
  } catch (_) {
    v4 = undefined;
  }
  if (v4 && typeof v4.sendCommand === 'function') {
    return (args) => v4.sendCommand(args);
  }
  if (typeof client.sendCommand === 'function') {
    return (args) => client.sendCommand(args);
  }
  throw new TypeError(`${adapter}: expected an ioredis client (with call()) or a node-redis v4+ client (with sendCommand())`);
}

/**
 * `send` whose failures carry the client's message only: the client's own
 * error may carry the command's arguments (the token) in extra fields.
 * `key`: the one key the command touches (node-redis' cluster routes by it).
 */
function guarded(send) {
  return async (args, key) => {
    try {
      return await send(args, key);
    } catch (err) {
      const message = err && typeof err.message === 'string' ? err.message : String(err);
      throw new Error(`redis ${args[0]}: ${message}`);
    }
  };
}

/** `options.prefix` of an adapter: a string, default none. */
function prefixOf(options, adapter) {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`${adapter}: options must be an object`);
  }
  const prefix = options && options.prefix !== undefined ? options.prefix : '';
  if (typeof prefix !== 'string') throw new TypeError(`${adapter}: options.prefix must be a string`);
  return prefix;
}

/** The reply as text (clients may hand back Buffers). */
function text(reply) {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  return String(reply);
}

/**
 * A `tokenStore` ({ get, set, lock }) over a Redis client.
 * @param {object} client an ioredis `Redis`/`Cluster` or a node-redis v4+ client, connected (or connecting)
 * @param {{ prefix?: string }} [options] `prefix` goes before every key (default none: keys
 *   already read `miniprogram-links:<platform>:<appid>:access_token`)
 */
function redisTokenStore(client, options) {
  const command = guarded(commandFor(client, 'redisTokenStore'));
  const prefix = prefixOf(options, 'redisTokenStore');

  const keyOf = (key) => {
    if (typeof key !== 'string' || key === '') throw new TypeError('redisTokenStore: key must be a non-empty string');
    return prefix + key;
  };

  return Object.freeze({
    /** The stored token, or null (nothing stored, or not JSON). */
    async get(key) {
      const k = keyOf(key);
      const raw = text(await command(['GET', k], k));
      if (raw === null) return null;
      try {
        const value = JSON.parse(raw);
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
      } catch (_) {
        return null;
      }
    },

    /**
     * Stores `value` unless a token that expires as late or later is already
     * there. Resolves to whether it was written. Expires with the token (at
     * least 1 s from now).
     */
    async set(key, value) {
      const k = keyOf(key);
      const expiresAt = value !== null && typeof value === 'object' ? value.expiresAt : undefined;
      if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
        throw new TypeError('redisTokenStore: value.expiresAt must be a finite number (ms since the epoch)');
      }
      const px = Math.max(MIN_PX_MS, Math.ceil(expiresAt - Date.now()));
      const written = await command(['EVAL', SET_IF_NEWER, '1', k, JSON.stringify(value), String(expiresAt), String(px)], k);
      return Number(written) === 1;
    },

    /**
     * Takes the refresh lock for `key` for `ttlMs`: resolves to a release
     * function, or to null while another instance holds it. (A lock that lands
     * after the client stopped waiting, say once a stalled Redis comes back,
     * is released by the client at once: see index.cjs `settle`.)
     */
    async lock(key, ttlMs) {
      const lockKey = `${keyOf(key)}:lock`;
      const px = Math.max(1, Math.ceil(Number(ttlMs) || 0));
      const id = crypto.randomBytes(16).toString('hex');
      const reply = text(await command(['SET', lockKey, id, 'NX', 'PX', String(px)], lockKey));
      if (reply !== 'OK') return null;
      let released = null;
      return function release() {
        if (released === null) {
          released = command(['EVAL', RELEASE_IF_OURS, '1', lockKey, id], lockKey).then((n) => Number(n) === 1);
        }
        return released;
      };
    },
  });
}

/**
 * A `rateLimiter` ({ take }) over a Redis client: every process holding the
 * appid shares `share` of each API's documented per-second limit, counted in
 * fixed one-second windows of the Redis server's clock, one atomic script per
 * take (TAKE_A_PLACE).
 * @param {object} client an ioredis `Redis`/`Cluster` or a node-redis v4+ client
 * @param {{ share?: number, prefix?: string }} [options] `share` (0 < share <= 1,
 *   default 0.9) of the documented limit for the whole fleet; `prefix` before
 *   every key (keys already read `miniprogram-links:<platform>:<appid>:<api>`)
 */
function redisRateLimiter(client, options) {
  const command = guarded(commandFor(client, 'redisRateLimiter'));
  const prefix = prefixOf(options, 'redisRateLimiter');
  const share = options && options.share !== undefined ? options.share : DEFAULT_SHARE;
  if (typeof share !== 'number' || !(share > 0 && share <= 1)) throw new TypeError('redisRateLimiter: options.share must be a number above 0 and at most 1');
  return Object.freeze({
    /** Takes a place for one request in `key`'s windows: resolves to 0 (send now) or the milliseconds to wait before sending. */
    async take(key, perSecond) {
      if (typeof key !== 'string' || key === '') throw new TypeError('redisRateLimiter: key must be a non-empty string');
      if (typeof perSecond !== 'number' || !(perSecond > 0)) throw new TypeError('redisRateLimiter: perSecond must be a number above 0');
      const k = prefix + key;
      const allowed = Math.max(1, Math.floor(perSecond * share));
      return Number(await command(['EVAL', TAKE_A_PLACE, '1', k, String(allowed)], k));
    },
  });
}

module.exports = { redisTokenStore, redisRateLimiter };
