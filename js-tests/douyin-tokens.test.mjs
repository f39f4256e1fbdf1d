// Douyin access tokens: the cache, single flight, and the one refresh after a
// token rejection (v1 12024/12025, v2 28001003): drop the token, fetch ONE new
// token, retry ONCE, never loop. Counts token and link requests throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DouyinClient,
  useEmulator,
  withEmulator,
  douyinClient,
  rejectsWithLinkError,
  assertNoSecrets,
  requestsTo,
  inFuture,
  errorLog,
} from './helpers.mjs';
import { loopbackFetch } from './support/loopback-fetch.mjs';

const ctx = useEmulator();
// Every LinkError the file saw; the last test checks none leaks a secret.
const { collect, emulators, assertClean } = errorLog(ctx);

const GEN = {
  v1: { token: '/api/apps/v2/token', link: '/api/apps/url_link/generate', api: 'douyin.urlLink.generate', rejected: [12024, 12025] },
  v2: { token: '/oauth/client_token/', link: '/api/apps/v1/url_link/generate/', api: 'douyin.v2.urlLink.generate', rejected: [28001003, 28001008] },
};

const client = (gen, extra) => douyinClient(ctx.emu, { api: gen, retries: 0, ...extra });
const generate = (dy) => dy.urlLink.generate({ expireTime: inFuture(3600) });
const count = (emu, p) => requestsTo(emu, p).length;

/** The token a recorded link request carried, either generation. */
function tokenOf(req) {
  return req.headers['access-token'] || (req.json && req.json.access_token);
}

async function expectError(promise, expected) {
  const err = await rejectsWithLinkError(promise, { platform: 'douyin', ...expected });
  collect(err);
  return err;
}

/** An emulator of the test's own (e.g. with other options), closed afterwards; its tokens join the final check. */
function withOwnEmulator(fn, options = {}) {
  return withEmulator((emu) => {
    emulators.add(emu);
    return fn(emu);
  }, options);
}

for (const gen of ['v1', 'v2']) {
  const { token: TOKEN, link: LINK, api, rejected } = GEN[gen];

  test(`${gen} cache: two calls, one token request`, async () => {
    const dy = client(gen);
    await generate(dy);
    await generate(dy);
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 2);
    const [a, b] = requestsTo(ctx.emu, LINK);
    assert.equal(tokenOf(a), tokenOf(b));
  });

  test(`${gen} cache is per client: another instance fetches its own`, async () => {
    await generate(client(gen));
    await generate(client(gen));
    assert.equal(count(ctx.emu, TOKEN), 2);
  });

  test(`${gen} single flight: 30 concurrent calls share one token request`, async () => {
    const dy = client(gen);
    const results = await Promise.all(Array.from({ length: 30 }, () => generate(dy)));
    assert.equal(new Set(results.map((r) => r.urlLink)).size, 30);
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 30);
    assert.equal(new Set(requestsTo(ctx.emu, LINK).map(tokenOf)).size, 1);
  });

  test(`${gen} single flight: getAccessToken and link calls started together share one token request`, async () => {
    const dy = client(gen);
    const [t1, , t2] = await Promise.all([dy.getAccessToken(), generate(dy), dy.getAccessToken(), generate(dy)]);
    assert.equal(t1.accessToken, t2.accessToken);
    assert.equal(count(ctx.emu, TOKEN), 1);
  });

  test(`${gen} single flight also for failures: 30 concurrent calls, one failing token request, 30 rejections`, async () => {
    const dy = client(gen, { retries: 0 });
    ctx.emu.inject({ route: TOKEN, kind: 'http500' });
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => generate(dy)));
    assert.ok(outcomes.every((o) => o.status === 'rejected'));
    for (const o of outcomes) {
      collect(o.reason);
      assert.equal(o.reason.code, 'HTTP_ERROR');
    }
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 0);
    // The failure is not cached: the next call asks again.
    await generate(dy);
    assert.equal(count(ctx.emu, TOKEN), 2);
  });

  for (const errNo of rejected) {
    test(`${gen} err_no ${errNo} (token rejected): drop it, ONE new token, retry ONCE, resolve`, async () => {
      const dy = client(gen, { retries: 2 });
      await generate(dy);
      ctx.emu.clear();
      ctx.emu.inject({ route: LINK, kind: 'errcode', errcode: errNo });
      const { urlLink } = await generate(dy);
      assert.match(urlLink, /^https:\/\/z\.douyin\.com\//);
      assert.equal(count(ctx.emu, TOKEN), 1, 'one new token');
      const links = requestsTo(ctx.emu, LINK);
      assert.equal(links.length, 2, 'the call and one retry');
      assert.notEqual(tokenOf(links[0]), tokenOf(links[1]), 'the retry carries the new token');
      const issued = ctx.emu.issuedTokens;
      assert.equal(tokenOf(links[1]), issued[issued.length - 1]);
      // And the new token is cached.
      await generate(dy);
      assert.equal(count(ctx.emu, TOKEN), 1);
    });

    test(`${gen} err_no ${errNo} on every call: exactly 2 token requests and 2 link requests, then reject (no loop)`, async () => {
      await withOwnEmulator(async (emu) => {
        const { appid, secret } = emu.credentials.douyin;
        const dy = new DouyinClient({ appid, secret, api: gen, baseUrl: emu.url, retries: 3 });
        emu.inject({ route: LINK, kind: 'errcode', errcode: errNo, times: 1000 });
        const err = await expectError(generate(dy), { code: 'API_ERROR', api, errcode: errNo, retryable: false });
        assert.equal(count(emu, TOKEN), 2);
        assert.equal(count(emu, LINK), 2);
        // The next call starts over with its own single renewal, no more.
        await expectError(generate(dy), { errcode: errNo });
        assert.equal(count(emu, TOKEN), 3);
        assert.equal(count(emu, LINK), 4);
        assertNoSecrets(err, [secret, ...emu.issuedTokens]);
      });
    });
  }

  test(`${gen} a token the platform expired (emu.expireTokens): one refresh, then it works`, async () => {
    const dy = client(gen);
    await generate(dy);
    ctx.emu.expireTokens();
    ctx.emu.clear();
    await generate(dy);
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 2);
  });

  test(`${gen} a revoked token (emu.revokeToken): one refresh, then it works`, async () => {
    const dy = client(gen);
    const { accessToken } = await dy.getAccessToken();
    assert.equal(ctx.emu.revokeToken(accessToken), true);
    ctx.emu.clear();
    await generate(dy);
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 2);
    assert.notEqual((await dy.getAccessToken()).accessToken, accessToken);
  });

  test(`${gen} the expireToken fault (the platform's "expired" answer): one refresh`, async () => {
    const dy = client(gen);
    await dy.getAccessToken();
    ctx.emu.clear();
    ctx.emu.inject({ route: LINK, kind: 'expireToken' });
    await generate(dy);
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 2);
  });

  test(`${gen} 30 concurrent calls all rejected once: ONE refresh for all of them`, async () => {
    const dy = client(gen, { retries: 0 });
    const { accessToken } = await dy.getAccessToken();
    ctx.emu.clear();
    ctx.emu.revokeToken(accessToken);
    const results = await Promise.all(Array.from({ length: 30 }, () => generate(dy)));
    assert.equal(results.length, 30);
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 60);
  });

  test(`${gen} a given accessToken that is rejected: no refresh (the package does not own it), one request`, async () => {
    const { appid } = ctx.emu.credentials.douyin;
    const { accessToken } = await client(gen).getAccessToken();
    ctx.emu.revokeToken(accessToken);
    ctx.emu.clear();
    const dy = new DouyinClient({ appid, accessToken, api: gen, baseUrl: ctx.emu.url, retries: 2 });
    await expectError(generate(dy), { code: 'API_ERROR', errcode: rejected[0], retryable: false });
    assert.equal(count(ctx.emu, TOKEN), 0);
    assert.equal(count(ctx.emu, LINK), 1);
  });

  test(`${gen} a rejection of a token already replaced keeps the fresher one (compare-and-drop)`, async () => {
    // A gate in front of the transport holds the first link request until a
    // newer token is cached and the old one revoked: deterministic, no timers.
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    let held = 0;
    let arrived;
    const holding = new Promise((resolve) => (arrived = resolve));
    const fetch = async (url, init) => {
      if (url.endsWith(LINK) && held++ === 0) {
        arrived();
        await gate;
      }
      return loopbackFetch(url, init);
    };
    const dy = client(gen, { fetch });
    const first = await dy.getAccessToken();
    const pending = generate(dy);
    await holding;
    const second = await dy.getAccessToken({ forceRefresh: true });
    assert.notEqual(second.accessToken, first.accessToken);
    ctx.emu.revokeToken(first.accessToken);
    ctx.emu.clear();
    release();
    await pending;
    assert.equal(count(ctx.emu, TOKEN), 0, 'the fresher token is used, no new one fetched');
    assert.deepEqual(requestsTo(ctx.emu, LINK).map(tokenOf), [first.accessToken, second.accessToken]);
  });

  test(`${gen} tokenStore: a rejected stored token is not adopted again; the renewed one is shared`, async () => {
    const { appid, secret } = ctx.emu.credentials.douyin;
    const map = new Map();
    const store = { get: async (k) => map.get(k), set: async (k, v) => void map.set(k, v) };
    const a = new DouyinClient({ appid, secret, api: gen, baseUrl: ctx.emu.url, tokenStore: store });
    const b = new DouyinClient({ appid, secret, api: gen, baseUrl: ctx.emu.url, tokenStore: store });
    await generate(a);
    await generate(b); // adopts A's token from the store
    assert.equal(count(ctx.emu, TOKEN), 1);
    const [stored] = [...map.values()];
    ctx.emu.revokeToken(stored.accessToken);
    ctx.emu.clear();
    await generate(a); // rejected → store still holds the rejected token → new one → stored
    assert.equal(count(ctx.emu, TOKEN), 1);
    await generate(b); // rejected → adopts A's renewed token from the store
    assert.equal(count(ctx.emu, TOKEN), 1);
    const links = requestsTo(ctx.emu, LINK).map(tokenOf);
    assert.deepEqual(links, [stored.accessToken, links[1], stored.accessToken, links[1]]);
    assert.equal([...map.values()][0].accessToken, links[1]);
  });

  test(`${gen} the renewal itself failing: the call rejects with that failure, no further attempts`, async () => {
    const dy = client(gen, { retries: 0 });
    await dy.getAccessToken();
    ctx.emu.clear();
    ctx.emu.inject({ route: LINK, kind: 'errcode', errcode: rejected[0] });
    ctx.emu.inject({ route: TOKEN, kind: 'http500', status: 503 });
    await expectError(generate(dy), { code: 'HTTP_ERROR', status: 503, retryable: true });
    assert.equal(count(ctx.emu, TOKEN), 1);
    assert.equal(count(ctx.emu, LINK), 1);
  });
}

test('a short-lived token is refreshed before it runs out (emulator tokenTtlSeconds)', async () => {
  // expires_in 1 s: used for at most half its life, so a call 600 ms later fetches anew.
  await withOwnEmulator(
    async (emu) => {
      const { appid, secret } = emu.credentials.douyin;
      const dy = new DouyinClient({ appid, secret, baseUrl: emu.url });
      const first = await dy.getAccessToken();
      assert.ok(first.expiresIn <= 1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await generate(dy);
      assert.equal(count(emu, GEN.v1.token), 2);
      assert.notEqual(tokenOf(requestsTo(emu, GEN.v1.link)[0]), first.accessToken);
    },
    { tokenTtlSeconds: 1 },
  );
});

test('v2 stableToken: the token comes from POST /oauth/stable_client_token/, the same one for every client; v1 refuses the option', async () => {
  const STABLE = '/oauth/stable_client_token/';
  const { appid, secret } = ctx.emu.credentials.douyin;
  const a = client('v2', { stableToken: true });
  const b = client('v2', { stableToken: true });
  await generate(a);
  await generate(b);
  const requests = requestsTo(ctx.emu, STABLE);
  assert.equal(requests.length, 2);
  for (const r of requests) {
    assert.equal(r.method, 'POST');
    assert.deepEqual(r.json, { client_key: appid, client_secret: secret, grant_type: 'client_credential' });
  }
  assert.equal(count(ctx.emu, GEN.v2.token), 0, 'no client_token request');
  const sent = requestsTo(ctx.emu, GEN.v2.link).map(tokenOf);
  assert.equal(sent.length, 2);
  assert.equal(sent[0], sent[1], 'both clients hold the same stable token');
  const err = await expectError(Promise.resolve().then(() => client('v1', { stableToken: true })), { code: 'INVALID_ARGUMENT', field: 'stableToken' });
  assert.match(err.message, /api: 'v2'/);
});

test('no error collected in this file carries the secret or an issued token', () => {
  assertClean({ atLeast: 30, secrets: [ctx.emu.credentials.douyin.secret] });
});
