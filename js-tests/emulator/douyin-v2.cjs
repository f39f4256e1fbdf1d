'use strict';
// Emulates Douyin's second-generation server API (open.douyin.com): client_token,
// then the url_link and schema routes that take the token in an `access-token`
// header and always answer with a log_id.

const { randomAlnum, randomHex, BoundedMap } = require('./state.cjs');
const { shapeError, douyinQueryError, isJsonContentType, hintHeaders } = require('./check.cjs');

const DAY = 86400;
// client_token's frequency rule: more than 500 calls in 5 minutes → 10020.
const TOKEN_CALLS_LIMIT = 500;
const TOKEN_WINDOW_MS = 5 * 60 * 1000;

const MESSAGES = {
  '-1': '内部错误',
  10002: '参数错误',
  10003: 'client_key 不存在',
  10013: 'client_key invalid',
  28001003: 'access_token无效',
  28003018: '请求频率过高',
  28005001: '参数错误',
  28005002: 'url_link不存在',
  28003017: 'quota 已用完',
};

const message = (code) => MESSAGES[code] || `emulator: injected error ${code}`;

// Real log ids: a yyyymmddhhmmss timestamp and random hex, 32 characters.
function logId() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return stamp + randomHex(9).toUpperCase();
}

const apiError = (code, msg) => ({ err_no: code, err_msg: msg, log_id: logId(), data: {} });
const oauthError = (code, msg) => ({
  data: { error_code: code, description: msg },
  message: 'error',
  extra: { logid: logId(), now: Date.now() },
});

function douyinV2Platform() {
  return {
    name: 'douyin-v2',
    contentType: 'application/json; charset=utf-8',
    expiredCode: 28001003,
    truncatedBody: '{"err_no":0,"err_msg":"","log_id":"2024',
    defaultMessage: message,
    errorBody: apiError,
    carried: (ctx) => ctx.headers['access-token'] || (ctx.json && typeof ctx.json === 'object' ? ctx.json.client_secret : undefined),
  };
}

// client_token takes JSON; accept a form body too, as the older docs showed one.
function parseOauthBody(ctx) {
  if (ctx.json && typeof ctx.json === 'object' && !Array.isArray(ctx.json)) return ctx.json;
  if (/^application\/x-www-form-urlencoded/i.test(ctx.headers['content-type'] || '')) {
    return Object.fromEntries(new URLSearchParams(ctx.body));
  }
  return null;
}

module.exports = function douyinV2Routes(state) {
  const platform = douyinV2Platform();
  const cred = state.credentials.douyin;
  const opts = state.options;

  const fail = (code, hint, msg) => ({ json: apiError(code, msg || message(code)), headers: hintHeaders(hint) });
  const ok = (data) => ({ json: { err_no: 0, err_msg: '', log_id: logId(), data } });

  // client_token calls per client_key within the last TOKEN_WINDOW_MS (times in ms, oldest first).
  const tokenCalls = new Map();
  function tooManyTokenCalls(clientKey) {
    const now = state.now();
    // Only the newest LIMIT + 1 matter: a long benchmark keeps a short array.
    const calls = (tokenCalls.get(clientKey) || []).filter((t) => t > now - TOKEN_WINDOW_MS).slice(-TOKEN_CALLS_LIMIT);
    calls.push(now);
    tokenCalls.set(clientKey, calls);
    return calls.length > TOKEN_CALLS_LIMIT;
  }

  // The error answer for a token request's body, or null when it may go on.
  function credentialsError(ctx) {
    const b = parseOauthBody(ctx);
    const bad = (code, description, hint) => ({ json: oauthError(code, description), headers: hintHeaders(hint) });
    if (!b) return bad(10002, '参数错误', 'body is not a JSON object');
    if (b.client_key && tooManyTokenCalls(String(b.client_key))) {
      return bad(10020, 'emulator: more than 500 client_token calls in 5 minutes', 'token frequency rule (10020)');
    }
    if (!b.client_key || !b.client_secret || !b.grant_type) return bad(10002, '参数错误', 'client_key, client_secret and grant_type are required');
    if (b.grant_type !== 'client_credential') return bad(10002, '参数错误', 'grant_type must be client_credential');
    if (b.client_key !== cred.appid) return bad(10013, 'client_key invalid');
    if (b.client_secret !== cred.secret) return bad(10013, 'client_secret invalid');
    return null;
  }

  const tokenAnswer = (token, expiresIn) => ({
    json: {
      data: { access_token: token, expires_in: expiresIn, error_code: 0, description: '' },
      message: 'success',
      extra: { logid: logId(), now: Date.now() },
    },
  });

  function clientToken(ctx) {
    const bad = credentialsError(ctx);
    if (bad) return bad;
    const rec = state.tokens.issue('douyin:v2', () => `clt.${randomHex(30)}`, [cred.secret]);
    return tokenAnswer(rec.token, opts.tokenTtlSeconds);
  }

  // stable_client_token: every caller gets the same token while it is valid;
  // a new one only after it expired.
  function stableClientToken(ctx) {
    const bad = credentialsError(ctx);
    if (bad) return bad;
    const current = state.tokens.latest.get('douyin:v2:stable');
    if (current && state.tokens.check(current.token, ['douyin:v2:stable']) === 'ok') {
      return tokenAnswer(current.token, state.tokens.secondsLeft(current));
    }
    const rec = state.tokens.issue('douyin:v2:stable', () => `clt.${randomHex(30)}`, [cred.secret]);
    return tokenAnswer(rec.token, opts.tokenTtlSeconds);
  }

  // Token in the header, JSON body of the given shape; answers { body } or { error }.
  function begin(ctx, shape) {
    const token = ctx.headers['access-token'];
    if (!token) return { error: fail(28001003, 'access-token header missing') };
    if (state.tokens.check(token, ['douyin:v2', 'douyin:v2:stable']) !== 'ok') return { error: fail(28001003) };
    if (!isJsonContentType(ctx.headers['content-type'])) return { error: fail(28005001, 'Content-Type must be application/json') };
    const hint = shapeError(ctx.json, shape);
    if (hint) return { error: fail(28005001, hint) };
    if (ctx.json.app_id !== cred.appid) return { error: fail(28005001, `app_id ${JSON.stringify(ctx.json.app_id)}`) };
    return { body: ctx.json };
  }

  const APP_NAMES = ['douyin', 'douyinlite', 'toutiao', 'toutiaolite'];

  function generate(ctx) {
    const shape = { app_id: 'string', app_name: 'string', path: 'string', query: 'string', expire_time: 'integer' };
    const { error, body: b } = begin(ctx, shape);
    if (error) return error;
    if (!state.rate.allow(`${state.credentials.douyin.appid}:douyin`, 100)) return fail(28003018);
    if (!APP_NAMES.includes(b.app_name)) return fail(28005001, `app_name ${JSON.stringify(b.app_name)}`);
    if (b.path !== undefined && b.path.includes('?')) return fail(28005001, 'path contains ?');
    const qh = douyinQueryError(b.query);
    if (qh) return fail(28005001, qh);
    const nowS = Math.floor(state.now() / 1000);
    if (b.expire_time === undefined) return fail(28005001, 'expire_time is required');
    if (b.expire_time <= nowS || b.expire_time > nowS + 180 * DAY) return fail(28005001, 'expire_time must be in the next 180 days');
    if (!state.takeQuota()) return fail(28003017);
    const url_link = `https://z.douyin.com/${randomAlnum(7)}`;
    state.douyinLinkCount++;
    state.links.douyin.set(url_link, {
      app_name: b.app_name,
      path: b.path || '',
      query: b.query || '',
      create_time: nowS,
      expire_time: b.expire_time,
    });
    return ok({ url_link });
  }

  // Links from either generation can be looked up here.
  function queryInfo(ctx) {
    const { error, body } = begin(ctx, { app_id: 'string', url_link: 'string' });
    if (error) return error;
    const rec = state.links.douyin.get(body.url_link);
    if (!rec) return fail(28005002, 'unknown url_link');
    return ok(Object.assign({}, rec));
  }

  function queryQuota(ctx) {
    const { error } = begin(ctx, { app_id: 'string' });
    if (error) return error;
    return ok({ url_link_used: state.douyinLinkCount, url_link_limit: 500000 });
  }

  // Schema links. Their page gives them the URL Link's rules for path, query and
  // expire_time (at most 180 days), required unless no_expire is true.
  const schemas = new BoundedMap(opts.maxStoredLinks);
  const schemaUsed = { long: 0, short: 0 };

  function generateSchema(ctx) {
    const shape = { app_id: 'string', path: 'string', query: 'string', no_expire: 'boolean', expire_time: 'integer' };
    const { error, body: b } = begin(ctx, shape);
    if (error) return error;
    if (b.path !== undefined && b.path.includes('?')) return fail(28005001, 'path contains ?');
    const qh = douyinQueryError(b.query);
    if (qh) return fail(28005001, qh);
    const nowS = Math.floor(state.now() / 1000);
    const longTerm = b.no_expire === true;
    if (!longTerm) {
      if (b.expire_time === undefined) return fail(28005001, 'expire_time is required unless no_expire is true');
      if (b.expire_time <= nowS || b.expire_time > nowS + 180 * DAY) return fail(28005001, 'expire_time must be in the next 180 days');
    }
    if (!state.takeQuota()) return fail(28003017);
    const schema = `sslocal://miniapp?ticket=${randomAlnum(32)}`;
    schemaUsed[longTerm ? 'long' : 'short']++;
    schemas.set(schema, {
      app_id: b.app_id,
      path: b.path || '',
      query: b.query || '',
      create_time: nowS,
      // No expiry for a long-term schema: 0, as WeChat reports a permanent link.
      expire_time: longTerm ? 0 : b.expire_time,
    });
    return ok({ schema });
  }

  // An unknown schema answers as query_info does for an unknown link.
  function querySchema(ctx) {
    const { error, body } = begin(ctx, { app_id: 'string', schema: 'string' });
    if (error) return error;
    const rec = schemas.get(body.schema);
    if (!rec) return fail(28005002, 'unknown schema', 'schema不存在');
    return ok(Object.assign({}, rec));
  }

  // The limits are 0, as in the page's own example answer.
  function querySchemaQuota(ctx) {
    const { error } = begin(ctx, { app_id: 'string' });
    if (error) return error;
    return ok({
      long_term_schema_quota: { schema_used: schemaUsed.long, schema_limit: 0 },
      short_term_schema_quota: { schema_used: schemaUsed.short, schema_limit: 0 },
    });
  }

  const route = (path, handle, extra) => Object.assign({ method: 'POST', path, platform, handle }, extra || {});
  return [
    route('/oauth/client_token/', clientToken, { errorBody: oauthError }),
    route('/oauth/stable_client_token/', stableClientToken, { errorBody: oauthError }),
    route('/api/apps/v1/url_link/generate/', generate),
    route('/api/apps/v1/url_link/query_info/', queryInfo),
    route('/api/apps/v1/url_link/query_quota/', queryQuota),
    route('/api/apps/v1/url/generate_schema/', generateSchema),
    route('/api/apps/v1/url/query_schema/', querySchema),
    route('/api/apps/v1/url/query_schema_quota/', querySchemaQuota),
  ];
};

module.exports.MESSAGES = MESSAGES;
