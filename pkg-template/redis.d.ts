// `miniprogram-links/redis`: a ready `tokenStore` and `rateLimiter` over a Redis client you
// already have (ioredis, or node-redis v4+; single node or Redis Cluster).
// Neither library is a dependency of this package: the adapter sends raw
// commands through your client.
import type { StoredToken } from './index';

/** An ioredis `Redis` or `Cluster` (anything with `call(command, ...args)`). */
export interface IoRedisLike {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

/** A node-redis v4+ client (anything with `sendCommand([command, ...args])`). */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis v4 client created with `legacyMode: true`. */
export interface NodeRedisLegacyLike {
  v4: NodeRedisLike;
}

/**
 * A node-redis v4+ cluster client (`createCluster()`): its `sendCommand` takes
 * the key that picks the node first. Told apart from a single-node client by
 * `masters` and `slots` (node-redis 4.6+) or `getMasters()` (4.0 to 4.5).
 */
export interface NodeRedisClusterLike {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  readonly masters: unknown;
  readonly slots: unknown;
}

export type RedisClientLike = IoRedisLike | NodeRedisLike | NodeRedisLegacyLike | NodeRedisClusterLike;

export interface RedisTokenStoreOptions {
  /** Goes before every key. Default: none (keys already read `miniprogram-links:<platform>:<appid>:access_token`). */
  prefix?: string;
}

/** Releases a refresh lock if it is still ours; resolves to whether it was. */
export type ReleaseLock = () => Promise<boolean>;

/** The `tokenStore` the adapter returns: pass it as `tokenStore` to `WeChatClient` / `DouyinClient`. */
export interface RedisTokenStore {
  /** `GET key`, parsed; `null` when nothing is stored or the value is not JSON. */
  get(key: string): Promise<StoredToken | null>;
  /**
   * Compare-and-set (one Lua `EVAL`): writes `value` only if nothing is stored
   * or it expires later than the stored token, so a stale instance never
   * overwrites a newer token. The key expires with the token (at least 1 s).
   * Resolves to whether it was written.
   */
  set(key: string, value: StoredToken): Promise<boolean>;
  /**
   * `SET key:lock <random id> NX PX ttlMs`: a release function when taken,
   * `null` while another instance holds the lock. (A client that stopped
   * waiting for it releases a lock that lands late at once, rather than let it
   * bar every instance for `ttlMs`.)
   */
  lock(key: string, ttlMs: number): Promise<ReleaseLock | null>;
}

/**
 * A `tokenStore` shared by every instance that uses the same Redis: one of
 * them fetches a new token while holding a lock, the others adopt it.
 *
 * ```js
 * const Redis = require('ioredis');
 * const { redisTokenStore } = require('miniprogram-links/redis');
 * const wx = new WeChatClient({ appid, secret, tokenStore: redisTokenStore(new Redis(process.env.REDIS_URL)) });
 * ```
 *
 * @throws TypeError when `client` is neither an ioredis nor a node-redis v4+ client.
 */
export function redisTokenStore(client: RedisClientLike, options?: RedisTokenStoreOptions): RedisTokenStore;

export interface RedisRateLimiterOptions {
  /** The part of each API's documented per-second limit the whole fleet may use: above 0, at most 1. Default 0.9. */
  share?: number;
  /** Goes before every key. Default: none (keys already read `miniprogram-links:<platform>:<appid>:<api>`). */
  prefix?: string;
}

/** The `rateLimiter` the adapter returns: pass it as `rateLimiter` to `WeChatClient` / `DouyinClient`. */
export interface RedisRateLimiter {
  /**
   * One atomic Lua `EVAL`: places the request in the first one-second window
   * of the Redis server's clock, from the current one on, holding fewer than
   * `floor(perSecond * share)` places, and resolves to the milliseconds until
   * that window opens (0: the current one). The client waits that long, then
   * sends without asking again.
   */
  take(key: string, perSecond: number): Promise<number>;
}

/**
 * A `rateLimiter` shared by every process that uses the same Redis: together
 * they stay under `share` of each API's documented limit per appid.
 *
 * ```js
 * const redis = new Redis(process.env.REDIS_URL);
 * const wx = new WeChatClient({ appid, secret, tokenStore: redisTokenStore(redis), rateLimiter: redisRateLimiter(redis) });
 * ```
 *
 * @throws TypeError when `client` is neither an ioredis nor a node-redis v4+
 *   client, or an option is out of range.
 */
export function redisRateLimiter(client: RedisClientLike, options?: RedisRateLimiterOptions): RedisRateLimiter;
