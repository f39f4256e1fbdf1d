// Shared helpers for the js-tests/*.test.mjs files.
//
// The tests run inside a temporary project that installed the packed tarball
// (scripts/test), so the package is imported by name, as a user would.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { beforeEach, afterEach } from 'node:test';
import { WeChatClient, DouyinClient, LinkError, createLandingHandler } from 'miniprogram-links';

const require = createRequire(import.meta.url);

export { WeChatClient, DouyinClient, LinkError };

/** Loads the emulator lazily: a file that does not need it does not pay for it. */
export function loadEmulator() {
  return require('./emulator/index.cjs');
}

/**
 * Gives every test of the calling file a fresh emulator: started before each
 * test, closed after it. Returns a live handle: `ctx.emu` is the running one.
 *
 *   const ctx = useEmulator();
 *   test('…', async () => { const wx = wechatClient(ctx.emu); … });
 *
 * Per test rather than per file (before/after) on purpose: the suite also runs
 * on Node 16 (WeChat cloud functions), whose node:test never calls top-level
 * before/after hooks and has no t.after(); beforeEach/afterEach work on every
 * version, and a fresh emulator costs about a millisecond. For the same reason
 * tests must not use t.after(), t.mock, describe-level hooks or other
 * node:test features newer than Node 16.20. (Node 16 also skips afterEach
 * after a failing test, so a failure there can leave the last emulator open
 * and the file hanging: scripts/test runs each file under a time limit.)
 * A file with nothing Node-version-specific to test may opt out of the Node 16
 * run with a line `// node16: skip <reason>` at the start of a line.
 */
export function useEmulator(options = {}) {
  const ctx = { emu: null };
  beforeEach(async () => {
    // Node 16's runner skips afterEach when a test fails: close what it left.
    const left = ctx.emu;
    ctx.emu = null;
    if (left) await left.close();
    const { startEmulator } = loadEmulator();
    ctx.emu = await startEmulator({ port: 0, ...options });
  });
  afterEach(async () => {
    const emu = ctx.emu;
    ctx.emu = null;
    if (emu) await emu.close();
  });
  return ctx;
}

/** Runs `fn(emu)` with an emulator of its own, closed afterwards whatever happens. */
export async function withEmulator(fn, options = {}) {
  const { startEmulator } = loadEmulator();
  const emu = await startEmulator({ port: 0, ...options });
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
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

/** The one request `emu` saw on `path` (asserted to be one). */
export function onlyRequest(emu, path) {
  const seen = requestsTo(emu, path);
  assert.equal(seen.length, 1, `expected exactly one request to ${path}, saw ${seen.length}`);
  return seen[0];
}

/** The last token `emu` issued (issuedTokens outlives emu.clear()). */
export function lastIssuedToken(emu) {
  return emu.issuedTokens[emu.issuedTokens.length - 1];
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

/**
 * Same as useEmulator (which gives every test a new emulator, closed after it:
 * no injected fault, token or link outlives its test). Kept as a name of its own
 * for the files that say so.
 */
export function useFreshEmulator(options = {}) {
  return useEmulator(options);
}

/**
 * Every LinkError a test file sees, each with the emulator (one per test)
 * whose issued tokens it must not carry. `collect(err)` records and returns
 * the error; `emulators` takes emulators a test starts itself; `assertClean`
 * (the file's last test) checks none of them leaks the secret or a token.
 */
export function errorLog(ctx) {
  const collected = [];
  const emulators = new Set();
  return {
    emulators,
    collect(err) {
      collected.push(err);
      if (ctx.emu) emulators.add(ctx.emu);
      return err;
    },
    assertClean({ atLeast, secrets, emulatorErrors = true }) {
      assert.ok(collected.length > atLeast, `collected ${collected.length} errors`);
      const issued = [...emulators].flatMap((emu) => emu.issuedTokens);
      assert.ok(issued.length > 0);
      for (const err of collected) assertNoSecrets(err, [...secrets, ...issued]);
      if (emulatorErrors) for (const emu of emulators) assert.deepEqual(emu.errors, []);
    },
  };
}

/**
 * Runs `fn(base)` with a createLandingHandler over node:http on 127.0.0.1
 * (`base` its http://127.0.0.1:PORT): `/p/ID` → a scheme for
 * pages/item/item?id=ID, anything else a 404; `options` over those defaults.
 */
export async function withLandingServer(emu, options, fn) {
  const http = require('node:http');
  const handler = createLandingHandler(wechatClient(emu), {
    resolve: (req) => {
      const id = /^\/p\/(\d+)$/.exec(req.url);
      return id && { jumpWxa: { path: 'pages/item/item', query: `id=${id[1]}` } };
    },
    title: 'Spring sale',
    ...options,
  });
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn(`http://127.0.0.1:${server.address().port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
