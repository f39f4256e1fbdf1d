'use strict';
// Emulates api.weixin.qq.com: the two token endpoints and the mini-program link
// routes, refusing requests the way the real server does (errcode in a 200 answer).

const { randomAlnum, randomBase64url, randomHex } = require('./state.cjs');
const { shapeError, wechatQueryError, hintHeaders } = require('./check.cjs');

const DAY = 86400;

const MESSAGES = {
  '-1': 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40066: 'invalid url',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40165: 'invalid weapp pagepath',
  40212: 'invalid query',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43104: 'this appid does not have permission',
  44990: 'api freq out of limit',
  44993: 'reach max api daily quota limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit, mustslower retry next minute',
  47001: 'data format error',
  85079: 'miniprogram has no online release',
  85400: 'long-term link reach limit',
  85401: 'invalid expire time',
  85402: 'invalid env_version',
};

function wechatPlatform(state) {
  return {
    name: 'wechat',
    // What the real server sends on these routes; clients must not insist on charset=.
    contentType: 'application/json; encoding=utf-8',
    expiredCode: 42001,
    truncatedBody: '{"errcode":0,"errmsg":"ok","openl',
    defaultMessage: (code) => MESSAGES[code] || `emulator: injected error ${code}`,
    errorBody: (code, msg) => ({ errcode: code, errmsg: msg }),
    // The credential a request carries: a token on link routes, the secret on token routes.
    carried: (ctx) =>
      ctx.query.access_token ||
      ctx.query.cloudbase_access_token ||
      ctx.query.secret ||
      (ctx.json && typeof ctx.json === 'object' ? ctx.json.secret : undefined),
  };
}

module.exports = function wechatRoutes(state) {
  const platform = wechatPlatform(state);
  const cred = state.credentials.wechat;
  const opts = state.options;
  const LINEAGES = ['wechat:token', 'wechat:stable'];

  // Real errmsgs end in " rid: ..."; off by default so tests can compare errmsg exactly.
  function fail(code, hint) {
    const msg = MESSAGES[code] + (opts.ridSuffix ? ` rid: ${randomHex(4)}-${randomHex(4)}-${randomHex(4)}` : '');
    return { json: { errcode: code, errmsg: msg }, headers: hintHeaders(hint) };
  }

  // Shaped like real tokens: a numeric prefix, then ~130 base64url characters.
  const makeToken = () => `86_${randomBase64url(96)}`;

  function checkCredentials(grantType, appid, secret) {
    if (grantType !== 'client_credential') return fail(40002, `grant_type ${JSON.stringify(grantType)}`);
    if (!appid) return fail(41002);
    if (appid !== cred.appid) return fail(40013, `appid ${JSON.stringify(appid)}`);
    if (!secret) return fail(41004);
    if (secret !== cred.secret) return fail(40125);
    return null;
  }

  function getToken(ctx) {
    const q = ctx.query;
    const bad = checkCredentials(q.grant_type, q.appid, q.secret);
    if (bad) return bad;
    const rec = state.tokens.issue('wechat:token', makeToken, [cred.secret]);
    return { json: { access_token: rec.token, expires_in: opts.tokenTtlSeconds } };
  }

  let lastForceRefresh = -Infinity;
  function stableToken(ctx) {
    const b = ctx.json;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return fail(47001, 'body is not a JSON object');
    if (b.force_refresh !== undefined && typeof b.force_refresh !== 'boolean') return fail(47001, 'force_refresh must be a boolean');
    const bad = checkCredentials(b.grant_type, b.appid, b.secret);
    if (bad) return bad;
    const current = state.tokens.latest.get('wechat:stable');
    const usable = current && state.tokens.check(current.token, ['wechat:stable']) === 'ok';
    if (usable && !b.force_refresh) {
      // Everyone gets the same token, with the time it has left.
      return { json: { access_token: current.token, expires_in: state.tokens.secondsLeft(current) } };
    }
    if (b.force_refresh) {
      const now = state.now();
      if (now - lastForceRefresh < opts.forceRefreshMinIntervalMs) return fail(45011, 'force_refresh too soon');
      lastForceRefresh = now;
    }
    const rec = state.tokens.issue('wechat:stable', makeToken, [cred.secret]);
    return { json: { access_token: rec.token, expires_in: opts.tokenTtlSeconds } };
  }

  // null when the request may go on, else the error answer.
  function authenticate(ctx) {
    const q = ctx.query;
    if (q.access_token) {
      const verdict = state.tokens.check(q.access_token, LINEAGES);
      if (verdict === 'expired') return fail(42001);
      if (verdict === 'invalid') return fail(40001);
      return null;
    }
    if (q.cloudbase_access_token) {
      return q.cloudbase_access_token === state.credentials.cloudbaseAccessToken ? null : fail(40001, 'cloudbase_access_token');
    }
    if (opts.tokenless) return null; // Cloud Hosting's open interface service vouches for the caller
    return fail(41001);
  }

  // Authenticates, then checks the body against `shape`; answers { body } or { error }.
  function begin(ctx, shape) {
    const authError = authenticate(ctx);
    if (authError) return { error: authError };
    const hint = shapeError(ctx.json, shape);
    if (hint) return { error: fail(47001, hint) };
    return { body: ctx.json };
  }

  // Expiry rules from the newer docs: at most 30 days, expire_type 0 (default) or 1.
  // Answers { error } or { expireTime, permanent }.
  function expiry(b) {
    const nowS = Math.floor(state.now() / 1000);
    const asked =
      b.is_expire === true ||
      (b.is_expire === undefined && (b.expire_type !== undefined || b.expire_time !== undefined || b.expire_interval !== undefined));
    // No expiry asked: the platform no longer makes permanent links; it applies 30 days.
    if (!asked) return { expireTime: nowS + 30 * DAY, permanent: true };
    const type = b.expire_type === undefined ? 0 : b.expire_type;
    if (type === 0) {
      const t = b.expire_time;
      if (t === undefined) return { error: fail(85401, 'expire_time missing') };
      if (t <= nowS + 60) return { error: fail(85401, 'expire_time must be more than 60 s ahead') };
      if (t > nowS + 30 * DAY) return { error: fail(85401, 'expire_time more than 30 days ahead') };
      return { expireTime: t, permanent: false };
    }
    if (type === 1) {
      const n = b.expire_interval;
      if (!Number.isInteger(n) || n < 1 || n > 30) return { error: fail(85401, 'expire_interval must be an integer 1..30') };
      return { expireTime: nowS + n * DAY, permanent: false };
    }
    return { error: fail(85401, 'expire_type must be 0 or 1') };
  }

  function targetError(path, query, env) {
    if (path !== undefined && path.includes('?')) return fail(40165, 'path contains ?');
    const qh = wechatQueryError(query);
    if (qh) return fail(40212, qh);
    if (env !== undefined && !['release', 'trial', 'develop'].includes(env)) return fail(85402, `env_version ${JSON.stringify(env)}`);
    return null;
  }

  // Links made without an expiry, reported as the "long time" quota use.
  const longTimeUsed = { schemes: 0, urlLinks: 0 };

  const EXPIRY_SHAPE = { is_expire: 'boolean', expire_type: 'integer', expire_time: 'integer', expire_interval: 'number' };

  function generateScheme(ctx) {
    const { error, body } = begin(ctx, Object.assign({ jump_wxa: { path: 'string', query: 'string', env_version: 'string' } }, EXPIRY_SHAPE));
    if (error) return error;
    if (!state.rate.allow(`${cred.appid}:scheme`, 100)) return fail(44990);
    const jump = body.jump_wxa || {};
    const bad = targetError(jump.path, jump.query, jump.env_version);
    if (bad) return bad;
    const exp = expiry(body);
    if (exp.error) return exp.error;
    if (!state.takeQuota()) return fail(45009);
    if (exp.permanent) longTimeUsed.schemes++;
    const openlink = `weixin://dl/business/?t=${randomAlnum(13)}`;
    state.links.schemes.set(openlink, {
      appid: cred.appid,
      path: jump.path || '',
      query: jump.query || '',
      create_time: Math.floor(state.now() / 1000),
      expire_time: exp.expireTime,
      env_version: jump.env_version || 'release',
      permanent: exp.permanent,
    });
    return { json: { errcode: 0, errmsg: 'ok', openlink } };
  }

  // NFC device models: registered and granted the capability, or registered only.
  // One scheme per model (no sn) or per device (sn).
  const NFC_MODELS = { 'nfc-model-granted': true, 'nfc-model-pending': false };
  const nfcSchemes = new Set();

  function generateNfcScheme(ctx) {
    const { error, body } = begin(ctx, { jump_wxa: { path: 'string', query: 'string', env_version: 'string' }, model_id: 'string', sn: 'string' });
    if (error) return error;
    if (!state.rate.allow(`${cred.appid}:nfc`, 200)) return fail(44990);
    const jump = body.jump_wxa || {};
    const bad = targetError(jump.path, jump.query, jump.env_version);
    if (bad) return bad;
    if (!(body.model_id in NFC_MODELS)) return fail(9800003, 'model_id check failed');
    if (!NFC_MODELS[body.model_id]) return fail(9800007, 'model_id has no NFC capability');
    const device = `${body.model_id}\0${body.sn === undefined ? '' : body.sn}`;
    if (nfcSchemes.has(device)) return fail(9800010, 'schema already exists');
    if (!state.takeQuota()) return fail(44993);
    nfcSchemes.add(device);
    const openlink = `weixin://dl/business/?t=${randomAlnum(13)}`;
    const nowS = Math.floor(state.now() / 1000);
    state.links.schemes.set(openlink, {
      appid: cred.appid,
      path: jump.path || '',
      query: jump.query || '',
      create_time: nowS,
      expire_time: nowS + 30 * DAY,
      env_version: jump.env_version || 'release',
      permanent: false,
    });
    return { json: { errcode: 0, errmsg: 'ok', openlink } };
  }

  function generateUrlLink(ctx) {
    const cloudShape = { env: 'string', domain: 'string', path: 'string', query: 'string', resource_appid: 'string' };
    const shape = Object.assign({ path: 'string', query: 'string', env_version: 'string', cloud_base: cloudShape }, EXPIRY_SHAPE);
    const { error, body } = begin(ctx, shape);
    if (error) return error;
    if (!state.rate.allow(`${cred.appid}:urllink`, 200)) return fail(44990);
    const bad = targetError(body.path, body.query, body.env_version);
    if (bad) return bad;
    const exp = expiry(body);
    if (exp.error) return exp.error;
    const cb = body.cloud_base;
    if (cb) {
      if (!cb.env) return fail(40097, 'cloud_base.env is required');
      if (cb.path !== undefined && cb.path.includes('?')) return fail(40165, 'cloud_base.path contains ?');
      const qh = wechatQueryError(cb.query);
      if (qh) return fail(40212, `cloud_base.${qh}`);
    }
    if (!state.takeQuota()) return fail(44993);
    if (exp.permanent) longTimeUsed.urlLinks++;
    const url_link = `https://wxaurl.cn/${randomAlnum(12)}`;
    const c = cb || {};
    state.links.urlLinks.set(url_link, {
      appid: cred.appid,
      path: body.path || '',
      query: body.query || '',
      create_time: Math.floor(state.now() / 1000),
      expire_time: exp.expireTime,
      env_version: body.env_version || 'release',
      cloud_base: { env: c.env || '', domain: c.domain || '', path: c.path || '', query: c.query || '', resource_appid: c.resource_appid || '' },
      permanent: exp.permanent,
    });
    return { json: { errcode: 0, errmsg: 'ok', url_link } };
  }

  function generateShortLink(ctx) {
    const { error, body } = begin(ctx, { page_url: 'string', page_title: 'string', is_permanent: 'boolean' });
    if (error) return error;
    if (!body.page_url) return fail(40066, 'page_url is required');
    if (body.page_url.length > 1024) return fail(40066, 'page_url longer than 1024');
    // A page_title over 20 characters is fine: the platform shortens it with "...".
    if (!state.takeQuota()) return fail(45009);
    const link = `#小程序://emulator/${randomAlnum(12)}`;
    state.links.shortLinks.set(link, { page_url: body.page_url, page_title: body.page_title || '', is_permanent: !!body.is_permanent });
    return { json: { errcode: 0, errmsg: 'ok', link } };
  }

  function publicInfo(rec) {
    const out = Object.assign({}, rec);
    delete out.permanent;
    return out;
  }

  // query_type 1: the day's remaining visit quota of schemes and URL Links
  // opened from outside WeChat (the link is not needed).
  const VISIT_QUOTA = 1000000;
  const visitQuota = () => ({ json: { errcode: 0, errmsg: 'ok', quota_info: { remain_visit_quota: VISIT_QUOTA } } });

  function queryScheme(ctx) {
    const { error, body } = begin(ctx, { scheme: 'string', query_type: 'integer' });
    if (error) return error;
    if (body.query_type !== undefined && body.query_type !== 0 && body.query_type !== 1) return fail(40097, 'invalid query_type');
    if (body.query_type === 1) return visitQuota();
    if (!body.scheme) return fail(40097, 'scheme is required');
    // Accept the whole openlink or just its ticket.
    const key = body.scheme.startsWith('weixin://') ? body.scheme : `weixin://dl/business/?t=${body.scheme}`;
    const rec = state.links.schemes.get(key);
    if (!rec) return fail(40097, 'unknown scheme');
    return {
      json: {
        errcode: 0,
        errmsg: 'ok',
        scheme_info: publicInfo(rec),
        visit_openid: '',
        scheme_quota: { long_time_used: longTimeUsed.schemes, long_time_limit: 100000 },
      },
    };
  }

  function queryUrlLink(ctx) {
    const { error, body } = begin(ctx, { url_link: 'string', query_type: 'integer' });
    if (error) return error;
    if (body.query_type !== undefined && body.query_type !== 0 && body.query_type !== 1) return fail(40097, 'invalid query_type');
    if (body.query_type === 1) return visitQuota();
    if (!body.url_link) return fail(40097, 'url_link is required');
    const rec = state.links.urlLinks.get(body.url_link);
    if (!rec) return fail(40097, 'unknown url_link');
    return {
      json: {
        errcode: 0,
        errmsg: 'ok',
        url_link_info: publicInfo(rec),
        visit_openid: '',
        url_link_quota: { long_time_used: longTimeUsed.urlLinks, long_time_limit: 100000 },
      },
    };
  }

  const route = (method, path, handle) => ({ method, path, platform, handle });
  return [
    route('GET', '/cgi-bin/token', getToken),
    route('POST', '/cgi-bin/stable_token', stableToken),
    route('POST', '/wxa/generatescheme', generateScheme),
    route('POST', '/wxa/generatenfcscheme', generateNfcScheme),
    route('POST', '/wxa/generate_urllink', generateUrlLink),
    route('POST', '/wxa/genwxashortlink', generateShortLink),
    route('POST', '/wxa/queryscheme', queryScheme),
    route('POST', '/wxa/query_urllink', queryUrlLink),
  ];
};

module.exports.MESSAGES = MESSAGES;
