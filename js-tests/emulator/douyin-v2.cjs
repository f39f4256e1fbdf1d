'use strict';
// Emulates Douyin's second-generation server API (open.douyin.com): client_token,
// then the url_link routes that take the token in an `access-token` header and
// always answer with a log_id.

const { randomAlnum, randomHex } = require('./state.cjs');
const { shapeError, douyinQueryError, isJsonContentType, hintHeaders } = require('./check.cjs');

const DAY = 86400;

const MESSAGES = {
  '-1': '内部错误',
  10002: '参数错误',
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

  const fail = (code, hint) => ({ json: apiError(code, message(code)), headers: hintHeaders(hint) });
  const ok = (data) => ({ json: { err_no: 0, err_msg: '', log_id: logId(), data } });

  function clientToken(ctx) {
    const b = parseOauthBody(ctx);
    const bad = (code, description, hint) => ({ json: oauthError(code, description), headers: hintHeaders(hint) });
    if (!b) return bad(10002, '参数错误', 'body is not a JSON object');
    if (!b.client_key || !b.client_secret || !b.grant_type) return bad(10002, '参数错误', 'client_key, client_secret and grant_type are required');
    if (b.grant_type !== 'client_credential') return bad(10002, '参数错误', 'grant_type must be client_credential');
    if (b.client_key !== cred.appid) return bad(10013, 'client_key invalid');
    if (b.client_secret !== cred.secret) return bad(10013, 'client_secret invalid');
    const rec = state.tokens.issue('douyin:v2', () => `clt.${randomHex(30)}`, [cred.secret]);
    return {
      json: {
        data: { access_token: rec.token, expires_in: opts.tokenTtlSeconds, error_code: 0, description: '' },
        message: 'success',
        extra: { logid: logId(), now: Date.now() },
      },
    };
  }

  // Token in the header, JSON body of the given shape; answers { body } or { error }.
  function begin(ctx, shape) {
    const token = ctx.headers['access-token'];
    if (!token) return { error: fail(28001003, 'access-token header missing') };
    if (state.tokens.check(token, ['douyin:v2']) !== 'ok') return { error: fail(28001003) };
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
    if (!state.rate.allow('douyin', 100)) return fail(28003018);
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

  const route = (path, handle, extra) => Object.assign({ method: 'POST', path, platform, handle }, extra || {});
  return [
    route('/oauth/client_token/', clientToken, { errorBody: oauthError }),
    route('/api/apps/v1/url_link/generate/', generate),
    route('/api/apps/v1/url_link/query_info/', queryInfo),
    route('/api/apps/v1/url_link/query_quota/', queryQuota),
  ];
};

module.exports.MESSAGES = MESSAGES;
