'use strict';
// The emulated platforms' memory, shared by wechat.cjs, douyin.cjs and douyin-v2.cjs:
// issued tokens, generated links, per-second rate windows and the daily quota.
// Everything is capped so a long benchmark cannot grow the process without bound.

const crypto = require('crypto');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(n) {
  const bytes = crypto.randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[bytes[i] % ALNUM.length];
  return out;
}

function randomHex(bytes) {
  return crypto.randomBytes(bytes).toString('hex');
}

// base64url without padding; Buffer's 'base64url' exists since Node 15.7.
function randomBase64url(bytes) {
  return crypto.randomBytes(bytes).toString('base64url');
}

// A Map that forgets its oldest entries past `cap` (Maps keep insertion order).
class BoundedMap extends Map {
  constructor(cap) {
    super();
    this.cap = cap;
  }
  set(key, value) {
    super.set(key, value);
    while (this.size > this.cap) this.delete(this.keys().next().value);
    return this;
  }
}

// Drops the oldest entries of an array in batches (1% of cap at a time) so a full
// buffer does not cost an O(n) shift on every push.
function pushCapped(arr, item, cap) {
  arr.push(item);
  if (arr.length > cap) arr.splice(0, arr.length - cap + Math.max(1, Math.floor(cap / 100)));
}

// Tokens form "lineages" (wechat:token, wechat:stable, douyin:v1, douyin:v2). Issuing a
// new token in a lineage supersedes the previous one, which stays valid for overlapMs:
// that is how GET /cgi-bin/token knocks out other instances' tokens on the real platform.
class TokenRegistry {
  constructor(state, cap) {
    this.state = state;
    this.cap = cap;
    this.byToken = new BoundedMap(cap);
    this.latest = new Map(); // lineage -> newest record
    this.issued = []; // every token string handed out, oldest first (emu.issuedTokens)
  }

  issue(lineage, make, forbidden) {
    const now = this.state.now();
    let token;
    // Random tokens never contain the secret, but say so explicitly: tests grep for it.
    do token = make(); while (this.byToken.has(token) || forbidden.some((s) => s && token.includes(s)));
    const prev = this.latest.get(lineage);
    if (prev && prev.supersededAt === null) prev.supersededAt = now;
    const rec = {
      token,
      lineage,
      issuedAt: now,
      expiresAt: now + this.state.options.tokenTtlSeconds * 1000,
      supersededAt: null,
      revoked: false,
      forcedExpired: false,
    };
    this.byToken.set(token, rec);
    this.latest.set(lineage, rec);
    pushCapped(this.issued, token, this.cap);
    return rec;
  }

  // 'ok' | 'invalid' | 'expired'
  check(token, lineages) {
    const rec = this.byToken.get(token);
    if (!rec || !lineages.includes(rec.lineage) || rec.revoked) return 'invalid';
    const now = this.state.now();
    if (rec.forcedExpired || now >= rec.expiresAt) return 'expired';
    if (rec.supersededAt !== null && now > rec.supersededAt + this.state.options.overlapMs) return 'invalid';
    return 'ok';
  }

  secondsLeft(rec) {
    return Math.max(0, Math.ceil((rec.expiresAt - this.state.now()) / 1000));
  }

  expireAll() {
    for (const rec of this.byToken.values()) rec.forcedExpired = true;
  }

  revoke(token) {
    const rec = this.byToken.get(token);
    if (!rec) return false;
    rec.revoked = true;
    return true;
  }
}

// Fixed one-second windows per key (appid and API); requests past the limit
// within the window are refused, and counted in `refused`.
class RateLimiter {
  constructor(state) {
    this.state = state;
    this.windows = new Map();
    this.refused = 0;
  }
  allow(key, limit) {
    if (!this.state.options.rateLimits) return true;
    const second = Math.floor(this.state.now() / 1000);
    let w = this.windows.get(key);
    if (!w || w.second !== second) {
      w = { second, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= limit) return true;
    this.refused++;
    return false;
  }
}

const DEFAULT_CREDENTIALS = {
  wechat: { appid: 'wxemulator0000001', secret: 'c0ffee00e0a1a7051ec2e70000000001' },
  douyin: { appid: 'ttemulator000001', secret: 'deadbeef00e0a1a7051ec2e7000000000000d0d1' },
  cloudbaseAccessToken: 'cloudbase-emulator-0123456789abcdef0123456789abcdef',
};

function deepFreeze(o) {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}

function createState(options) {
  const state = {
    options,
    now: options.now,
    credentials: deepFreeze(JSON.parse(JSON.stringify(options.credentials))),
    requests: [], // recorded requests, oldest first; the same array for the emulator's life
    errors: [], // exceptions caught in handlers (should stay empty)
    linkCount: 0, // successful link generations, all kinds together
    douyinLinkCount: 0, // Douyin links made (query_quota's url_link_used)
    links: {
      schemes: new BoundedMap(options.maxStoredLinks),
      urlLinks: new BoundedMap(options.maxStoredLinks),
      shortLinks: new BoundedMap(options.maxStoredLinks),
      douyin: new BoundedMap(options.maxStoredLinks),
    },
  };
  state.tokens = new TokenRegistry(state, options.maxStoredTokens);
  state.rate = new RateLimiter(state);
  // Consumes one unit of the daily quota; false when it is used up.
  state.takeQuota = function takeQuota() {
    if (options.dailyQuota !== null && state.linkCount >= options.dailyQuota) return false;
    state.linkCount++;
    return true;
  };
  state.record = function record(rec) {
    pushCapped(state.requests, rec, options.maxRecordedRequests);
  };
  return state;
}

module.exports = {
  createState,
  DEFAULT_CREDENTIALS,
  randomAlnum,
  randomHex,
  randomBase64url,
  BoundedMap,
};
