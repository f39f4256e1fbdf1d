// Shared helpers for the js-tests/*.test.mjs files.
//
// The tests run inside a temporary project that installed the packed tarball
// (scripts/test), so the package is imported by name, as a user would.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, after, beforeEach } from 'node:test';
import { WeChatClient, DouyinClient, LinkError } from 'miniprogram-links';

const require = createRequire(import.meta.url);

export { WeChatClient, DouyinClient, LinkError };

/** Loads the emulator lazily: a file that does not need it does not pay for it. */
export function loadEmulator() {
  return require('./emulator/index.cjs');
}

/**
 * Starts one emulator for the calling test file (node:test `before`), clears
 * its request log and faults before each test, and closes it after the file.
 * Returns a live handle: `ctx.emu` is the running emulator.
 *
 *   const ctx = useEmulator();
 *   test('…', async () => { const wx = wechatClient(ctx.emu); … });
 */
export function useEmulator(options = {}) {
  const ctx = { emu: null };
  before(async () => {
    const { startEmulator } = loadEmulator();
    ctx.emu = await startEmulator({ port: 0, ...options });
  });
  beforeEach(() => {
    if (ctx.emu) ctx.emu.clear();
  });
  after(async () => {
    if (ctx.emu) await ctx.emu.close();
    ctx.emu = null;
  });
  return ctx;
}

/** A WeChatClient against the emulator, with its credentials. */
export function wechatClient(emu, extra = {}) {
  const { appid, secret } = emu.credentials.wechat;
  return new WeChatClient({ appid, secret, baseUrl: emu.url, ...extra });
}

/** A DouyinClient against the emulator, with its credentials. */
export function douyinClient(emu, extra = {}) {
  const { appid, secret } = emu.credentials.douyin;
  return new DouyinClient({ appid, secret, baseUrl: emu.url, ...extra });
}

/** Unix seconds `seconds` from now. */
export function inFuture(seconds) {
  return Math.floor(Date.now() / 1000) + seconds;
}

export const DAY = 24 * 60 * 60;

/**
 * Asserts that `promiseOrFn` (a promise, or a function that returns one or
 * throws synchronously) fails with a LinkError whose fields match `expected`
 * (each given key compared with deepStrictEqual; a RegExp value is matched
 * against the field as text). Returns the error for further checks.
 */
export async function rejectsWithLinkError(promiseOrFn, expected = {}) {
  let err;
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected a LinkError ${JSON.stringify(expected)}, but it resolved`);
  assertLinkError(err, expected);
  return err;
}

/** Asserts that a synchronous call throws a LinkError matching `expected`. */
export function throwsLinkError(fn, expected = {}) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected a LinkError ${JSON.stringify(expected)}, but nothing was thrown`);
  assertLinkError(err, expected);
  return err;
}

export function assertLinkError(err, expected = {}) {
  assert.ok(err instanceof LinkError, `expected a LinkError, got ${err && err.stack ? err.stack : err}`);
  assert.ok(err instanceof Error, 'a LinkError is an Error');
  for (const [key, want] of Object.entries(expected)) {
    if (want instanceof RegExp) {
      assert.match(String(err[key]), want, `LinkError.${key} (message: ${err.message})`);
    } else {
      assert.deepStrictEqual(err[key], want, `LinkError.${key} (message: ${err.message})`);
    }
  }
}

/**
 * Asserts that none of `secrets` shows up anywhere a LinkError can leak it:
 * message, stack, JSON.stringify, util.inspect, String().
 */
export function assertNoSecrets(err, secrets) {
  const util = require('node:util');
  const views = {
    message: String(err && err.message),
    stack: String(err && err.stack),
    json: JSON.stringify(err),
    inspect: util.inspect(err, { depth: 8, showHidden: true }),
    string: String(err),
  };
  for (const secret of secrets) {
    if (!secret) continue;
    for (const [where, text] of Object.entries(views)) {
      assert.ok(!String(text).includes(secret), `the error's ${where} leaks a secret`);
    }
  }
}

/** The requests the emulator saw on `path` (e.g. '/cgi-bin/token'). */
export function requestsTo(emu, path) {
  return emu.requests.filter((r) => r.path === path);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the wall clock is at least `marginMs` away from the next whole
 * second, so that a test computing `inFuture(61)` and the client validating it
 * see the same Unix second. Bounded: waits at most one second.
 */
export async function awayFromSecondEdge(marginMs = 200) {
  const into = Date.now() % 1000;
  if (into > 1000 - marginMs) await sleep(1000 - into + 20);
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort() {
  const net = require('node:net');
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
