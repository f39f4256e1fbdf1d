// A TypeScript user of miniprogram-links, compiled with `tsc --noEmit` under
// `strict` (js-tests/types.test.mjs). It uses every method and option, and each
// `@ts-expect-error` proves that a mistake is caught: if the typings stopped
// catching it, the directive itself would fail the build.
//
// Nothing here runs; no DOM or Node type library is loaded (tsconfig `types: []`).

import { WeChatClient, DouyinClient, LinkError, appendCq, renderLandingPage, createLandingHandler } from 'miniprogram-links';
import { redisRateLimiter } from 'miniprogram-links/redis';
import type {
  AccessTokenResult,
  RateLimiter,
  RequestMessage,
  TokenMessage,
  CloudBase,
  DouyinApiVersion,
  DouyinAppName,
  DouyinClientOptions,
  DouyinSchemaGenerateRequest,
  DouyinSchemaGenerateResult,
  DouyinSchemaInfo,
  DouyinSchemaQuota,
  DouyinUrlLinkGenerateRequest,
  DouyinUrlLinkGenerateResult,
  DouyinUrlLinkInfo,
  DouyinUrlLinkQuota,
  EnvVersion,
  FetchInit,
  FetchLike,
  FetchResponseLike,
  LinkErrorCode,
  LinkErrorClass,
  LinkPlatform,
  PlainSchemeRequest,
  ShortLinkGenerateRequest,
  ShortLinkGenerateResult,
  StoredToken,
  TokenStore,
  UrlLinkGenerateRequest,
  UrlLinkGenerateResult,
  UrlLinkQueryResult,
  UrlSchemeGenerateRequest,
  UrlSchemeGenerateResult,
  UrlSchemeQueryResult,
  VisitQuotaResult,
  WeChatClientOptions,
} from 'miniprogram-links';

declare function use(...values: unknown[]): void;

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

const now = Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------- options

const memoryStore = new Map<string, StoredToken>();
const asyncStore: TokenStore = {
  async get(key) {
    return memoryStore.get(key) ?? null;
  },
  async set(key, value) {
    memoryStore.set(key, { accessToken: value.accessToken, expiresAt: value.expiresAt, refreshAt: value.refreshAt });
  },
};
const syncStore: TokenStore = {
  get: (key) => memoryStore.get(key),
  set: (key, value) => void memoryStore.set(key, value),
};
const locks = new Set<string>();
const lockingStore: TokenStore = {
  get: (key) => memoryStore.get(key),
  set: async (key, value) => {
    memoryStore.set(key, value);
    return true; // e.g. whether a compare-and-set wrote it
  },
  lock: async (key, ttlMs) => {
    if (locks.has(key) || ttlMs <= 0) return null;
    locks.add(key);
    return async () => locks.delete(key);
  },
};

// A fetch written against the package's own minimal types.
const loggingFetch: FetchLike = async (url: string, init: FetchInit): Promise<FetchResponseLike> => {
  const method: string = init.method;
  const contentType: string | undefined = init.headers['content-type'];
  const body: string | undefined = init.body;
  const aborted: boolean = init.signal.aborted;
  use(url, method, contentType, body, aborted);
  return { status: 200, text: async () => '{"errcode":0,"errmsg":"ok","openlink":"weixin://dl/business/?t=x"}' };
};

const wxOptions: WeChatClientOptions = {
  appid: 'wx1234567890abcdef',
  secret: 'secret',
  stableToken: true,
  baseUrl: 'https://api.weixin.qq.com',
  fetch: loggingFetch,
  timeoutMs: 5000,
  retries: 3,
  tokenStore: asyncStore,
};
const wx = new WeChatClient(wxOptions);
new WeChatClient({ appid: 'wx1', secret: 's', openApiService: false, stableToken: false, tokenStore: syncStore });
new WeChatClient({ appid: 'wx1', secret: 's', tokenStore: memoryStore });
new DouyinClient({ appid: 'tt1', secret: 's', tokenStore: lockingStore });
new WeChatClient({ accessToken: 'authorizer-access-token' });
new WeChatClient({ appid: 'wx1', accessToken: () => 'token' });
new WeChatClient({ accessToken: async () => 'token', retries: 0 });
new WeChatClient({ cloudbaseAccessToken: 'cloudbase-token' });
new WeChatClient({ cloudbaseAccessToken: async () => 'token from the mounted file' });
new WeChatClient({ openApiService: true, baseUrl: 'http://api.weixin.qq.com' });

// @ts-expect-error TS2561: a misspelt option
new WeChatClient({ appid: 'wx1', secret: 's', retires: 2 });
// @ts-expect-error TS2322: retries is a number
new WeChatClient({ appid: 'wx1', secret: 's', retries: '2' });
// @ts-expect-error TS2322: timeoutMs is a number
new WeChatClient({ appid: 'wx1', secret: 's', timeoutMs: '100' });
// @ts-expect-error TS2345: secret needs appid
new WeChatClient({ secret: 's' });
// @ts-expect-error TS2345: no way to authenticate
new WeChatClient({ appid: 'wx1' });
// @ts-expect-error TS2345: two ways to authenticate
new WeChatClient({ appid: 'wx1', secret: 's', accessToken: 't' });
// @ts-expect-error TS2345: stableToken only with secret
new WeChatClient({ accessToken: 't', stableToken: true });
// @ts-expect-error TS2345: tokenStore only with secret
new WeChatClient({ cloudbaseAccessToken: 't', tokenStore: syncStore });
// @ts-expect-error TS2322: the token function returns a string
new WeChatClient({ accessToken: () => 42 });
// @ts-expect-error TS2322: fetch must answer with a status and a body
new WeChatClient({ accessToken: 't', fetch: async () => ({ ok: true }) });
// @ts-expect-error TS2741: a tokenStore needs set
new WeChatClient({ appid: 'wx1', secret: 's', tokenStore: { get: () => null } });
// @ts-expect-error TS2322: lock resolves to a release function or null
new WeChatClient({ appid: 'wx1', secret: 's', tokenStore: { get: () => null, set: () => {}, lock: async () => true } });
// @ts-expect-error TS2353: Douyin's api option is not a WeChat option
new WeChatClient({ appid: 'wx1', secret: 's', api: 'v2' });

// ---------------------------------------------------------------- WeChat methods

async function wechat(): Promise<void> {
  const token: AccessTokenResult = await wx.getAccessToken();
  const forced = await wx.getAccessToken({ forceRefresh: true });
  await wx.getAccessToken({ force_refresh: true });
  const expiresIn: number = token.expiresIn;
  use(token.accessToken, forced, expiresIn);

  // URL Scheme, cloud-call names and HTTPS names.
  const scheme: UrlSchemeGenerateResult = await wx.urlscheme.generate({
    jumpWxa: { path: 'pages/index/index', query: 'a=1&b=2', envVersion: 'trial' },
    isExpire: true,
    expireType: 0,
    expireTime: now + 3600,
  });
  const openlink: string = scheme.openlink;
  const errcode: number = scheme.errcode;
  const errmsg: string = scheme.errmsg;
  use(openlink, errcode, errmsg);
  await wx.urlscheme.generate({
    jump_wxa: { path: 'pages/a', query: { id: 7, ok: true, name: 'x' }, env_version: 'develop' },
    is_expire: true,
    expire_type: 1,
    expire_interval: 30,
  });
  await wx.urlscheme.generate({ expireTime: new Date(Date.now() + 86_400_000) });
  await wx.urlscheme.generate({ expireInterval: 7 });
  await wx.urlscheme.generate({});
  await wx.urlscheme.generate();

  const schemeInfo: UrlSchemeQueryResult = await wx.urlscheme.query({ scheme: openlink });
  await wx.urlscheme.query({ scheme: openlink, query_type: 0 });
  const visits: VisitQuotaResult = await wx.urlscheme.query({ queryType: 1 });
  const left: number = visits.quotaInfo.remainVisitQuota;
  use(left, (await wx.urllink.query({ query_type: 1 })).quotaInfo.remainVisitQuota);
  const info = schemeInfo.schemeInfo;
  const env: EnvVersion = info.envVersion;
  const created: number = info.createTime;
  const expires: number = info.expireTime;
  use(info.appid, info.path, info.query, env, created, expires, schemeInfo.visitOpenid, schemeInfo.schemeQuota?.longTimeUsed);

  // URL Link.
  const cloudBase: CloudBase = { env: 'prod-1a2b', domain: 'example.tcloudbaseapp.com', path: '/jump.html', query: 'x=1', resourceAppid: 'wx2' };
  const linkRequest: UrlLinkGenerateRequest = {
    path: 'pages/index/index',
    query: 'a=1',
    envVersion: 'release',
    expireType: 1,
    expireInterval: 1,
    cloudBase,
  };
  const link: UrlLinkGenerateResult = await wx.urllink.generate(linkRequest);
  const urlLink: string = link.urlLink;
  await wx.urllink.generate({ env_version: 'trial', expire_time: now + 120, cloud_base: { env: 'e', resource_appid: 'wx3' } });
  await wx.urllink.generate();

  const linkInfo: UrlLinkQueryResult = await wx.urllink.query({ urlLink, queryType: 0 });
  await wx.urllink.query({ url_link: urlLink });
  const cloud = linkInfo.urlLinkInfo.cloudBase;
  use(cloud?.env, cloud?.domain, cloud?.resourceAppid, linkInfo.urlLinkInfo.createTime, linkInfo.urlLinkQuota?.longTimeLimit);
  // The platform may add fields to query answers: they are there, typed unknown.
  const extra: unknown = linkInfo.someFutureField;
  use(extra);

  // Short Link.
  const short: ShortLinkGenerateResult = await wx.shortlink.generate({
    pageUrl: 'pages/a/a?id=1',
    pageTitle: 'Title',
    isPermanent: false,
  });
  const shortRequest: ShortLinkGenerateRequest = { page_url: 'pages/a/a', page_title: 't', is_permanent: true };
  await wx.shortlink.generate(shortRequest);
  use(short.link);

  // Plaintext scheme: synchronous.
  const plain: string = wx.plainScheme({ path: 'pages/index/index', query: 'a=1&b=2', envVersion: 'trial' });
  const plainRequest: PlainSchemeRequest = { path: 'p', query: { a: 1 }, env_version: 'release' };
  use(plain, wx.plainScheme(plainRequest));

  // ---- mistakes the typings catch
  // @ts-expect-error TS2561: a misspelt request key
  await wx.urlscheme.generate({ expireTiem: now + 3600 });
  // @ts-expect-error TS2353: a misspelt nested key
  await wx.urlscheme.generate({ jumpWxa: { paht: 'pages/a' } });
  // @ts-expect-error TS2322: expireTime is Unix seconds or a Date
  await wx.urllink.generate({ expireTime: 'soon' });
  // @ts-expect-error TS2322: expire_time likewise
  await wx.urllink.generate({ expire_time: 'soon' });
  // @ts-expect-error TS2322: envVersion is release, trial or develop
  await wx.urllink.generate({ envVersion: 'prod' });
  // @ts-expect-error TS2322: env_version likewise
  await wx.urlscheme.generate({ jump_wxa: { env_version: 'prod' } });
  // @ts-expect-error TS2322: expireType is 0 or 1
  await wx.urllink.generate({ expireType: 2, expireInterval: 1 });
  // @ts-expect-error TS2322: isExpire is a boolean
  await wx.urlscheme.generate({ isExpire: 'yes' });
  // @ts-expect-error TS2741: cloudBase.env is required
  await wx.urllink.generate({ cloudBase: { domain: 'd' } });
  // @ts-expect-error TS2322: query values are strings, numbers or booleans
  await wx.urllink.generate({ query: { nested: { a: 1 } } });
  // @ts-expect-error TS2345: pageUrl is required
  await wx.shortlink.generate({ pageTitle: 'no page' });
  // @ts-expect-error TS2322: pageUrl is a string
  await wx.shortlink.generate({ pageUrl: 5 });
  // @ts-expect-error TS2561: a misspelt short link key
  await wx.shortlink.generate({ pageUrl: 'p', isPermanant: true });
  // @ts-expect-error TS2769: urlLink is required with queryType 0
  await wx.urllink.query({ queryType: 0 });
  // @ts-expect-error TS2769: queryType is 0 or 1
  await wx.urlscheme.query({ scheme: 's', queryType: 2 });
  // @ts-expect-error TS2345: plainScheme needs path
  wx.plainScheme({ query: 'a=1' });
  // @ts-expect-error TS2322: plainScheme is synchronous: its result is a string, not a promise
  const notAPromise: Promise<string> = wx.plainScheme({ path: 'p' });
  use(notAPromise);
  // @ts-expect-error TS2551: a wrong result property (the scheme is `openlink`)
  use(scheme.openLink);
  // @ts-expect-error TS2551: a wrong result property (a URL Link result has `urlLink`, camelCased)
  use(link.url_link);
  // @ts-expect-error TS2339: a Short Link result has `link`
  use(short.shortLink);
  // @ts-expect-error TS2551: getAccessToken's result is camelCased
  use(token.access_token);
  // @ts-expect-error TS2561: a misspelt getAccessToken option
  await wx.getAccessToken({ forceRefesh: true });
  // @ts-expect-error TS2551: WeChat has no urlLink (it is `urllink`)
  use(wx.urlLink);
}

// ---------------------------------------------------------------- Douyin

const dy = new DouyinClient({ appid: 'tt1234567890', secret: 'secret' });
const dyV1: DouyinClient<'v1'> = dy;
const dy2 = new DouyinClient({
  appid: 'tt1234567890',
  secret: 'secret',
  api: 'v2',
  baseUrl: 'https://open.douyin.com',
  fetch: loggingFetch,
  timeoutMs: 3000,
  retries: 1,
  tokenStore: asyncStore,
});
const dyV2: DouyinClient<'v2'> = dy2;
new DouyinClient({ appid: 'tt1', accessToken: 'token', api: 'v1' });
new DouyinClient({ appid: 'tt1', accessToken: async () => 'token', api: 'v2' });
new DouyinClient({ appid: 'tt1', secret: 's', api: 'v2', stableToken: true });
// @ts-expect-error TS2322: stableToken needs api: 'v2'
new DouyinClient({ appid: 'tt1', secret: 's', api: 'v1', stableToken: true });
const dyOptions: DouyinClientOptions = { appid: 'tt1', secret: 's' };
new DouyinClient(dyOptions);
use(dyV1, dyV2);

// @ts-expect-error TS2345: appid is required
new DouyinClient({ secret: 's' });
// @ts-expect-error TS2345: appid is required with accessToken too
new DouyinClient({ accessToken: 't' });
// @ts-expect-error TS2322: api is v1 or v2
new DouyinClient({ appid: 'tt1', secret: 's', api: 'v3' });
// @ts-expect-error TS2353: a WeChat-only option
new DouyinClient({ appid: 'tt1', secret: 's', cloudbaseAccessToken: 't' });
// @ts-expect-error TS2561: a misspelt option
new DouyinClient({ appid: 'tt1', secret: 's', timeoutMS: 100 });
// @ts-expect-error TS2345: secret or accessToken, not both
new DouyinClient({ appid: 'tt1', secret: 's', accessToken: 't' });
// @ts-expect-error TS2322: retries is a number
new DouyinClient({ appid: 'tt1', secret: 's', retries: '2' });

async function douyin(): Promise<void> {
  const token: AccessTokenResult = await dy.getAccessToken({ forceRefresh: false });
  use(token, await dy2.getAccessToken());

  // v1, both naming styles.
  const v1: DouyinUrlLinkGenerateResult = await dy.urlLink.generate({
    appName: 'douyinlite',
    path: 'pages/index',
    query: '{"id":"123"}',
    expireTime: now + 3600,
  });
  const urlLink: string = v1.urlLink;
  const errNo: number | undefined = v1.errNo;
  use(urlLink, errNo, v1.errTips);
  await dy.urlLink.generate({ app_name: 'douyin', query: { id: 123, tags: ['a'] }, expire_time: new Date() });
  const v1Request: DouyinUrlLinkGenerateRequest = { expireTime: now + 60 };
  await dy.urlLink.generate(v1Request);

  // v2: more host apps, queryInfo and queryQuota.
  const v2 = await dy2.urlLink.generate({ appName: 'toutiao', expireTime: now + 3600 });
  use(v2.logId);
  await dy2.urlLink.generate({ app_name: 'toutiaolite', expire_time: now + 3600 });
  const info: DouyinUrlLinkInfo = await dy2.urlLink.queryInfo({ urlLink: v2.urlLink });
  await dy2.urlLink.queryInfo({ url_link: v2.urlLink });
  use(info.appName, info.path, info.query, info.createTime, info.expireTime, info.logId);
  const quota: DouyinUrlLinkQuota = await dy2.urlLink.queryQuota();
  const used: number = quota.urlLinkUsed;
  const limit: number = quota.urlLinkLimit;
  use(used, limit, quota.logId, await dy2.urlLink.queryQuota({}));

  // v2: Schema links, short-term and long-term, both naming styles.
  const made: DouyinSchemaGenerateResult = await dy2.schema.generate({ path: 'pages/index', query: { id: 1 }, expireTime: now + 3600 });
  const schema: string = made.schema;
  await dy2.schema.generate({ noExpire: false, expire_time: new Date() });
  await dy2.schema.generate({ noExpire: true, path: 'pages/index' });
  const longTerm: DouyinSchemaGenerateRequest = { no_expire: true, query: '{"id":"1"}' };
  await dy2.schema.generate(longTerm);
  const schemaInfo: DouyinSchemaInfo = await dy2.schema.query({ schema });
  use(made.logId, schemaInfo.appId, schemaInfo.path, schemaInfo.query, schemaInfo.createTime, schemaInfo.expireTime, schemaInfo.logId);
  const schemaQuota: DouyinSchemaQuota = await dy2.schema.queryQuota();
  const longUsed: number = schemaQuota.longTermSchemaQuota.schemaUsed;
  const shortLimit: number = schemaQuota.shortTermSchemaQuota.schemaLimit;
  use(longUsed, shortLimit, schemaQuota.logId, await dy2.schema.queryQuota({}));

  // A client typed for either generation.
  const either: DouyinClient<DouyinApiVersion> = Math.random() > 0.5 ? dy2 : (dy as DouyinClient<DouyinApiVersion>);
  use(either);
  assertType<Equal<DouyinAppName<'v1'>, 'douyin' | 'douyinlite'>>();
  assertType<Equal<DouyinAppName<'v2'>, 'douyin' | 'douyinlite' | 'toutiao' | 'toutiaolite'>>();

  // ---- mistakes the typings catch
  // @ts-expect-error TS2345: expireTime is required
  await dy.urlLink.generate({ path: 'pages/index' });
  // @ts-expect-error TS2322: expireTime is Unix seconds or a Date
  await dy.urlLink.generate({ expireTime: 'soon' });
  // @ts-expect-error TS2561: a misspelt request key
  await dy.urlLink.generate({ expireTime: now + 3600, apName: 'douyin' });
  // @ts-expect-error TS2561: a misspelt required key
  await dy.urlLink.generate({ expireTiem: now + 3600 });
  // @ts-expect-error TS2353: ma_app_id comes from the client, not the request
  await dy.urlLink.generate({ expireTime: now + 3600, ma_app_id: 'tt1' });
  // @ts-expect-error TS2322: toutiao is a v2 host app
  await dy.urlLink.generate({ appName: 'toutiao', expireTime: now + 3600 });
  // @ts-expect-error TS2322: not a host app at all
  await dy2.urlLink.generate({ appName: 'xigua', expireTime: now + 3600 });
  // @ts-expect-error TS2339: queryInfo needs api: 'v2'
  await dy.urlLink.queryInfo({ urlLink });
  // @ts-expect-error TS2339: queryQuota needs api: 'v2'
  await dy.urlLink.queryQuota();
  // @ts-expect-error TS2345: queryInfo needs the link
  await dy2.urlLink.queryInfo({});
  // @ts-expect-error TS2345: a short-term schema needs expireTime
  await dy2.schema.generate({ path: 'pages/index' });
  // @ts-expect-error TS2345: a long-term schema takes no expireTime
  await dy2.schema.generate({ noExpire: true, expireTime: now + 3600 });
  // @ts-expect-error TS2353: a schema has no host app
  await dy2.schema.generate({ appName: 'douyin', expireTime: now + 3600 });
  // @ts-expect-error TS2339: Schema links need api: 'v2'
  await dy.schema.generate({ expireTime: now + 3600 });
  // @ts-expect-error TS2345: query needs the schema
  await dy2.schema.query({});
  // @ts-expect-error TS2551: a wrong quota property (it is `longTermSchemaQuota`)
  use(schemaQuota.long_term_schema_quota);
  // @ts-expect-error TS2551: a wrong result property (it is `urlLink`)
  use(v1.url_link);
  // @ts-expect-error TS2339: a wrong quota property
  use(quota.used);
  // @ts-expect-error TS2322: a v1 client is not a v2 client
  const wrong: DouyinClient<'v2'> = dy;
  use(wrong);
}

// ---------------------------------------------------------------- errors

async function errors(): Promise<void> {
  try {
    await wx.urlscheme.generate({ jumpWxa: { query: 'a b' } });
  } catch (err) {
    // @ts-expect-error TS18046: `err` is unknown until narrowed
    use(err.code);
    if (err instanceof LinkError) {
      const error: Error = err;
      const code: LinkErrorCode = err.code;
      const platform: LinkPlatform = err.platform;
      const api: string = err.api;
      const retryable: boolean = err.retryable;
      const kind: LinkErrorClass = err.class;
      if (kind === 'quota' || kind === 'auth') use('stop the run');
      // @ts-expect-error TS2367: not one of the classes
      if (err.class === 'fatal') use(err);
      const field: string | undefined = err.field;
      const errcode: number | undefined = err.errcode;
      const errmsg: string | undefined = err.errmsg;
      const status: number | undefined = err.status;
      const logId: string | undefined = err.logId;
      const name: 'LinkError' = err.name;
      const message: string = err.message;
      use(error, code, platform, api, retryable, kind, field, errcode, errmsg, status, logId, name, message, err.stack);
      if (err.code === 'API_ERROR' && err.errcode === 85079) use('publish the mini program first');
      // @ts-expect-error TS2367: not one of the codes
      if (err.code === 'NOT_A_CODE') use(err);
      // @ts-expect-error TS2367: not a platform
      if (err.platform === 'alipay') use(err);
      // @ts-expect-error TS2322: errcode is a number
      const text: string = err.errcode;
      // @ts-expect-error TS2551: a misspelt field
      use(err.errCode);
      // @ts-expect-error TS2540: the fields are read-only
      err.retryable = true;
      use(text);
    }
  }
  const made = new LinkError({ code: 'TIMEOUT', message: 'x', platform: 'douyin', api: 'douyin.urlLink.generate', retryable: true });
  use(made instanceof Error, made.code);
  // @ts-expect-error TS2322: not a code
  new LinkError({ code: 'BOOM', message: 'x', platform: 'wechat', api: 'x' });
}

async function bulk(): Promise<void> {
  const rows = [{ path: 'pages/a', expireInterval: 7 }, { path: 'pages/b', expireInterval: 7 }];
  for await (const outcome of wx.generateMany(rows, { kind: 'urllink', concurrency: 8, ratePerSecond: 100 })) {
    if ('result' in outcome) use(outcome.index, outcome.result.urlLink);
    else use(outcome.index, outcome.error.code, outcome.error.reason);
  }
  const plain = wx.generateMany([{ path: 'pages/a' }], { kind: 'plainScheme', onProgress: (p) => use(p.done, p.total) });
  for await (const outcome of plain) if ('result' in outcome) use(outcome.result.startsWith('weixin://'));
  for await (const outcome of dy.generateMany([{ expireTime: 1 }], { kind: 'douyin.urlLink' })) use(outcome.index);
  // @ts-expect-error TS2769: not a kind
  wx.generateMany(rows, { kind: 'qrcode' });
  // @ts-expect-error TS2769: a URL Scheme's page goes in jumpWxa
  wx.generateMany([{ path: 'pages/a' }], { kind: 'urlscheme' });
  // @ts-expect-error TS2769: concurrency is a number
  dy.generateMany([], { kind: 'urlLink', concurrency: 'many' });
}

use(wechat, douyin, errors, bulk);

// appendCq: a link and a cq (string or object) in, a string out.
const withCq: string = appendCq('https://wxaurl.cn/X', { from: 'sms' });
use(withCq, appendCq('weixin://dl/business/?t=X', 'a=1'));
// @ts-expect-error TS2345: a cq is a string or a plain object
appendCq('https://wxaurl.cn/X', 5);

// renderLandingPage: options in, HTML out; createLandingHandler: a node:http handler.
const landing: string = renderLandingPage({ openlink: 'weixin://dl/business/?t=X', title: 'Sale', lang: 'en', qrUrl: 'https://example.com/' });
use(landing);
// @ts-expect-error TS2322: lang is zh-CN or en
renderLandingPage({ openlink: 'weixin://dl/business/?t=X', title: 'Sale', lang: 'fr' });
// @ts-expect-error TS2345: title is required
renderLandingPage({ openlink: 'weixin://dl/business/?t=X' });
const landingHandler = createLandingHandler(new WeChatClient({ appid: 'wx1', secret: 's' }), {
  resolve: (req) => (req.url === '/' ? { jumpWxa: { path: 'pages/index/index' } } : null),
  title: 'Sale',
  urlLink: true,
  qrUrl: (req) => `https://example.com${req.url}`,
  onError: (error) => use(error),
});
const landingPromise: Promise<void> = landingHandler({ method: 'GET', url: '/' }, { writeHead: () => undefined, end: () => undefined });
use(landingPromise);
// Limits shared between processes: any { take } (sync or async), or the Redis one.
const syncLimiter: RateLimiter = { take: (key: string, perSecond: number) => (key.length > perSecond ? 0 : 10) };
const asyncLimiter: RateLimiter = { take: async () => 0 };
declare const ioredis: { call(command: string, ...args: Array<string | number>): Promise<unknown> };
new WeChatClient({ appid: 'wx1', secret: 's', rateLimiter: syncLimiter });
new WeChatClient({ accessToken: 't', rateLimiter: asyncLimiter });
new DouyinClient({ appid: 'tt1', secret: 's', api: 'v2', rateLimiter: redisRateLimiter(ioredis, { share: 0.8, prefix: 'a:' }) });
const waitMs: Promise<number> = redisRateLimiter(ioredis).take('miniprogram-links:wechat:wx1:urllink.generate', 200);
use(waitMs);
// @ts-expect-error TS2322: take answers the milliseconds to wait
new WeChatClient({ appid: 'wx1', secret: 's', rateLimiter: { take: () => 'now' } });
// @ts-expect-error TS2561: not an option of redisRateLimiter (did you mean share?)
redisRateLimiter(ioredis, { shares: 0.5 });

// What node:diagnostics_channel subscribers get.
function onRequest(m: RequestMessage): string {
  return `${m.api} ${m.method} ${m.path} #${m.attempt} ${m.status ?? '-'} ${m.code ?? 'ok'} ${m.errcode ?? ''} ${m.retryable} ${m.durationMs}`;
}
function onToken(m: TokenMessage): string {
  return m.event === 'dropped' ? m.api : `${m.platform} ${m.event} ${m.durationMs}`;
}
// @ts-expect-error TS2367: not an event
const never = (m: TokenMessage): boolean => m.event === 'expired';
use(onRequest, onToken, never);
