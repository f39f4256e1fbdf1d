'use strict';
// Emulates Douyin's first-generation server API (developer.toutiao.com):
// POST /api/apps/v2/token and POST /api/apps/url_link/generate (token in the JSON body).

const { randomAlnum, randomHex } = require('./state.cjs');
const { shapeError, douyinQueryError, isJsonContentType, hintHeaders } = require('./check.cjs');

const DAY = 86400;

const MESSAGES = {
  '-1': '内部错误',
  1: '参数填写错误',
  2: '权限被封禁',
  12018: '参数解析失败,请检查参数格式',
  12019: '到期时间不在范围内',
  12020: '生成URL_Link频率过快',
  12021: '生成URL_Link数量超过上限',
  12022: '链接生成失败,联系开发人员',
  12024: 'access_token错误',
  12025: 'access_token过期或无权限',
  40014: 'bad params',
  40015: 'bad appid',
  40017: 'bad secret',
  40020: 'bad grant_type',
};

const message = (code) => MESSAGES[code] || `emulator: injected error ${code}`;

// The link route's error shape (its docs show url_link "" on errors too).
const linkError = (code, msg) => ({ err_no: code, err_tips: msg, url_link: '' });
// The token route's error shape.
const tokenError = (code, msg) => ({ err_no: code, err_tips: msg, data: {} });

function douyinPlatform() {
  return {
    name: 'douyin',
    contentType: 'application/json; charset=utf-8',
    expiredCode: 12025,
    truncatedBody: '{"err_no":0,"err_tips":"","url_li',
    defaultMessage: message,
    errorBody: linkError,
    // Both the token (link route) and the secret (token route) travel in the body.
    carried: (ctx) => (ctx.json && typeof ctx.json === 'object' ? ctx.json.access_token || ctx.json.secret : undefined),
  };
}

module.exports = function douyinRoutes(state) {
  const platform = douyinPlatform();
  const cred = state.credentials.douyin;
  const opts = state.options;

  const fail = (code, hint) => ({ json: linkError(code, message(code)), headers: hintHeaders(hint) });
  const failToken = (code, hint) => ({ json: tokenError(code, message(code)), headers: hintHeaders(hint) });

  // Real tokens look like "0801121..." followed by hex.
  const makeToken = () => `0801121${randomHex(40)}`;

  function getToken(ctx) {
    const b = ctx.json;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return failToken(40014, 'body is not a JSON object');
    if (!b.appid || !b.secret || !b.grant_type) return failToken(40014, 'appid, secret and grant_type are required');
    if (b.appid !== cred.appid) return failToken(40015);
    if (b.secret !== cred.secret) return failToken(40017);
    if (b.grant_type !== 'client_credential') return failToken(40020);
    const rec = state.tokens.issue('douyin:v1', makeToken, [cred.secret]);
    return { json: { err_no: 0, err_tips: 'success', data: { access_token: rec.token, expires_in: opts.tokenTtlSeconds } } };
  }

  const SHAPE = {
    access_token: 'string',
    ma_app_id: 'string',
    app_name: 'string',
    path: 'string',
    query: 'string',
    expire_time: 'integer',
  };

  function generate(ctx) {
    if (!isJsonContentType(ctx.headers['content-type'])) return fail(12018, 'Content-Type must be application/json');
    const hint = shapeError(ctx.json, SHAPE);
    if (hint) return fail(12018, hint);
    const b = ctx.json;
    if (!b.access_token) return fail(12024, 'access_token missing');
    const verdict = state.tokens.check(b.access_token, ['douyin:v1']);
    if (verdict === 'invalid') return fail(12024);
    if (verdict === 'expired') return fail(12025);
    // One 100 qps budget per mini program, shared with the second-generation route.
    if (!state.rate.allow(`${state.credentials.douyin.appid}:douyin`, 100)) return fail(12020);
    if (b.ma_app_id !== cred.appid) return fail(1, `ma_app_id ${JSON.stringify(b.ma_app_id)}`);
    if (b.app_name !== 'douyin' && b.app_name !== 'douyinlite') return fail(1, `app_name ${JSON.stringify(b.app_name)}`);
    if (b.path !== undefined && b.path.includes('?')) return fail(1, 'path contains ?');
    const qh = douyinQueryError(b.query);
    if (qh) return fail(12018, qh);
    if (b.expire_time === undefined) return fail(1, 'expire_time is required');
    const nowS = Math.floor(state.now() / 1000);
    if (b.expire_time <= nowS || b.expire_time > nowS + 180 * DAY) return fail(12019, 'expire_time must be in the next 180 days');
    if (!state.takeQuota()) return fail(12021);
    const url_link = `https://z.douyin.com/${randomAlnum(7)}`;
    state.douyinLinkCount++;
    state.links.douyin.set(url_link, {
      app_name: b.app_name,
      path: b.path || '',
      query: b.query || '',
      create_time: nowS,
      expire_time: b.expire_time,
    });
    return { json: { err_no: 0, err_tips: '', url_link } };
  }

  return [
    { method: 'POST', path: '/api/apps/v2/token', platform, handle: getToken, errorBody: tokenError },
    { method: 'POST', path: '/api/apps/url_link/generate', platform, handle: generate },
  ];
};

module.exports.MESSAGES = MESSAGES;
