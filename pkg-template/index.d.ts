// Type definitions for miniprogram-links.
//
// Request objects take the cloud-call names (`jumpWxa`, `expireTime`, ...) and
// equally the HTTPS names (`jump_wxa`, `expire_time`, ...): both are declared,
// so a misspelt key or a value of the wrong type is a compile error. Give each
// field in one style only: the same field under both names is rejected at run
// time (INVALID_ARGUMENT).
//
// Needs no DOM or Node type library: `fetch` is typed by the minimal shape the
// package uses.

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/** Which version of the mini program a link opens. Default `'release'`. */
export type EnvVersion = 'release' | 'trial' | 'develop';

/**
 * A point in time: Unix seconds (an integer, NOT milliseconds: a value that
 * looks like milliseconds is rejected and named as such) or a `Date` (its
 * milliseconds are dropped).
 */
export type Instant = number | Date;

/**
 * A WeChat `query`: the text after `?` (`a=1&b=2`), or a plain object that the
 * package form-encodes in its own key order (`{ a: 1, b: 'x y' }` → `a=1&b=x%20y`).
 *
 * At most 1024 characters (512 for {@link WeChatClient.plainScheme}, counted
 * before encoding), only `0-9 a-z A-Z` and ``!#$&'()*+,/:;=?@-._~%`` (and the
 * backtick). Checked before anything is sent.
 */
export type WeChatQuery = string | Record<string, string | number | boolean>;

/**
 * A Douyin `query`: the text of a JSON object (`'{"id":"123"}'`, `'{}'` for
 * none, which is the default), or a plain object that the package serialises
 * with `JSON.stringify`. At most 1024 characters of JSON text, made of
 * `0-9 a-z A-Z` and `{}"!#$&'()*+,/:;=?@-._~%` only: no spaces, no `[` `]`, no
 * non-ASCII (percent-encode such values yourself).
 */
export type DouyinQuery = string | Record<string, unknown>;

/**
 * An access token you manage yourself: the token, or a function returning it
 * (or a promise of it), called before every request so that it can hand out
 * the current one.
 */
export type TokenSource = string | (() => string | Promise<string>);

/** A token as kept in a {@link TokenStore} (JSON-compatible). */
export interface StoredToken {
  /** The access token itself. Treat it as a secret. */
  accessToken: string;
  /** When the platform stops accepting it, in milliseconds since the epoch. */
  expiresAt: number;
  /** When the package fetches the next one (a few minutes earlier), in ms since the epoch. */
  refreshAt: number;
  /**
   * WeChat stable token only: when any instance sharing the store forced a
   * refresh (`force_refresh`) in the last day, in ms since the epoch, so the
   * whole fleet keeps to WeChat's 30 s spacing and 20 a day. Keep it as given.
   */
  forcedAt?: number[];
}

/** Gives a {@link TokenStore} lock back; may return a promise, which is awaited. */
export type ReleaseTokenLock = () => unknown;

/**
 * A cache shared between clients, processes or machines (Redis, a database,
 * ...), so that they do not knock each other's tokens out; a plain
 * `Map<string, StoredToken>` fits too (`miniprogram-links/redis` has a ready
 * one for Redis). Every method may be synchronous or return a promise. Keys
 * look like `miniprogram-links:wechat:<appid>:access_token`
 * (`…:douyin:<appid>:…`, `…:douyin-v2:<appid>:…`).
 */
export interface TokenStore {
  /** The token stored under `key`; anything that is not a {@link StoredToken} counts as none. */
  get(key: string): StoredToken | null | undefined | Promise<StoredToken | null | undefined>;
  /**
   * Stores `value` under `key`. A promise it returns is awaited (a rejection
   * fails the call that fetched the token); any other result is ignored.
   */
  set(key: string, value: StoredToken): unknown;
  /**
   * Optional: the lock one instance holds while it fetches a new token, so
   * that the others wait for the token it stores instead of each fetching (and
   * invalidating) their own. Take the lock on `key` for `ttlMs` milliseconds
   * and resolve to a function that gives it back; resolve to `null` (anything
   * but a function) while another instance holds it. Without `lock`, every
   * instance that finds no usable token fetches one.
   */
  lock?(key: string, ttlMs: number): ReleaseTokenLock | null | undefined | Promise<ReleaseTokenLock | null | undefined>;
}

/**
 * The platforms' per-second limits shared by every process holding the same
 * appid (`miniprogram-links/redis` has a ready one for Redis). Asked before
 * every request to an API with a documented limit (every retry included);
 * token requests and queries are not limited.
 */
export interface RateLimiter {
  /**
   * Takes one request from the limit named `key`
   * (`miniprogram-links:<platform>:<appid>:<api>`, e.g.
   * `miniprogram-links:wechat:wx123:urllink.generate`) of `perSecond` (the
   * API's documented limit). Return (or resolve to) 0 to send now, or the
   * milliseconds to wait before sending: the client then sends without asking
   * again (a wait is a reservation). Each call, and each wait, is bounded by
   * `timeoutMs`: past that, or when it throws, the call fails with
   * `NETWORK_ERROR` (`rateLimiter.take …`).
   */
  take(key: string, perSecond: number): number | Promise<number>;
}

/** The minimal `AbortSignal` the package hands to `fetch` (`init.signal`). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The environment's own `AbortSignal` where a DOM or Node type library declares one. */
type AbortSignalOf<G> = G extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** What the package passes to `fetch`. */
export interface FetchInit {
  /** `'GET'` or `'POST'`. */
  method: string;
  /** Plain header names and values, e.g. `{ 'content-type': 'application/json' }`. */
  headers: Record<string, string>;
  /** JSON text, for POST requests. */
  body?: string;
  /** Aborted when `timeoutMs` runs out. */
  signal: AbortSignalOf<typeof globalThis>;
}

/** What the package reads from the response: the status and the body text. */
export interface FetchResponseLike {
  readonly status: number;
  text(): string | Promise<string>;
}

/**
 * Any WHATWG-fetch-compatible function: the global `fetch`, undici's, a
 * wrapper adding a proxy or logging, a test double.
 */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** Options every client takes. */
export interface ClientOptionsBase {
  /**
   * The platform's origin, optionally with a path prefix (for gateways): tests
   * and proxies point it elsewhere. Read with WHATWG URL rules, like the
   * transport that connects. Must be https, except on a loopback host
   * (`localhost`, `127.0.0.0/8`, `[::1]`) or with `openApiService`; user info
   * (`name@`), a query or a fragment throw `INVALID_ARGUMENT`.
   */
  baseUrl?: string;
  /**
   * Any WHATWG-fetch-compatible function. Default: the package's HTTP/1.1
   * keep-alive transport over `node:tls` (`node:net` for `http:`) on Node.js,
   * `globalThis.fetch` elsewhere.
   */
  fetch?: FetchLike;
  /**
   * Milliseconds per attempt, answer body included, before the request is
   * aborted (TIMEOUT). Also bounds each wait on a token function, a
   * `tokenStore` method or `rateLimiter.take`: one that has not settled by then fails the call.
   * Default 10000.
   */
  timeoutMs?: number;
  /**
   * Extra attempts for transient failures (system busy, rate limits, 5xx,
   * network errors, timeouts), with jittered exponential backoff. Quota errors
   * are never retried. Integer 0 to 10, default 2.
   */
  retries?: number;
  /** Limits shared with other processes: see {@link RateLimiter}. */
  rateLimiter?: RateLimiter;
}

/** A `miniprogram-links:request` message (`node:diagnostics_channel`), published after every attempt. */
export interface RequestMessage {
  platform: 'wechat' | 'douyin';
  /** `LinkError.api`'s name, e.g. `urllink.generate`, `auth.getAccessToken`. */
  api: string;
  method: 'GET' | 'POST';
  /** The request's path, never its query string. */
  path: string;
  /** 1 for the first attempt of the call (or of its token request). */
  attempt: number;
  /** The HTTP status; `null` when no answer came. */
  status: number | null;
  /** The platform's error code; `null` on success. */
  errcode: number | null;
  /** `LinkError.code` of the attempt's failure; `null` on success. */
  code: LinkErrorCode | null;
  retryable: boolean;
  durationMs: number;
}

/** A `miniprogram-links:token` message (`node:diagnostics_channel`). */
export interface TokenMessage {
  platform: 'wechat' | 'douyin';
  /** The token API, e.g. `auth.getAccessToken`. */
  api: string;
  event: 'fetched' | 'forceRefreshed' | 'adopted' | 'dropped';
  /** How long getting it took; 0 for `dropped`. */
  durationMs: number;
}

/** `getAccessToken()`'s options. */
export interface GetAccessTokenRequest {
  /**
   * Skip the cache and fetch a new token. With `stableToken: true` this sends
   * `force_refresh`, which WeChat limits to 20 a day, 30 s apart, per appid:
   * the package keeps to that (across a `tokenStore`'s fleet too) and past it
   * rejects with `INVALID_ARGUMENT` (`field: 'forceRefresh'`), saying when the
   * next is allowed.
   */
  forceRefresh?: boolean;
  /** HTTPS name of {@link GetAccessTokenRequest.forceRefresh}. */
  force_refresh?: boolean;
}

/** `getAccessToken()`'s result. */
export interface AccessTokenResult {
  /** The access token. Treat it as a secret. */
  accessToken: string;
  /** Whole seconds until the platform stops accepting it. */
  expiresIn: number;
}

// ---------------------------------------------------------------------------
// WeChat: options
// ---------------------------------------------------------------------------

/** Every `WeChatClient` option. Give exactly one way to authenticate. */
export interface WeChatClientOptionsBase extends ClientOptionsBase {
  /** The mini program's AppID (`wx…`). Needed with `secret`, and for `plainScheme`. */
  appid?: string;
  /** The AppSecret: the package fetches, caches and renews the access token. */
  secret?: string;
  /**
   * An access token you manage (e.g. a third-party platform's
   * `authorizer_access_token`), or a function returning the current one.
   */
  accessToken?: TokenSource;
  /**
   * WeChat Cloud Hosting: the `X-WX-CLOUDBASE-ACCESS-TOKEN` header's value or
   * the token file the platform mounts (or a function reading it); sent as
   * `cloudbase_access_token` instead of `access_token`.
   */
  cloudbaseAccessToken?: TokenSource;
  /**
   * `true`: Cloud Hosting's open interface service, which authenticates the
   * container itself: no token is sent, and plain `http://api.weixin.qq.com`
   * is allowed as `baseUrl`. Default `false`.
   */
  openApiService?: boolean;
  /**
   * `true`: fetch tokens from `POST /cgi-bin/stable_token`, which hands every
   * caller the same token until it rotates, instead of `GET /cgi-bin/token`,
   * which invalidates the previous token (5-minute overlap). Only with `secret`.
   * Default `false`.
   */
  stableToken?: boolean;
  /** A shared token cache (only with `secret`). Default: in memory, per client. */
  tokenStore?: TokenStore;
}

/** `appid` + `secret`: the package fetches and caches the token. */
export interface WeChatSecretAuth {
  appid: string;
  secret: string;
  accessToken?: never;
  cloudbaseAccessToken?: never;
  openApiService?: false;
}

/** A token you manage. */
export interface WeChatAccessTokenAuth {
  accessToken: TokenSource;
  secret?: never;
  cloudbaseAccessToken?: never;
  openApiService?: false;
  stableToken?: false;
  tokenStore?: never;
}

/** WeChat Cloud Hosting's token. */
export interface WeChatCloudbaseAuth {
  cloudbaseAccessToken: TokenSource;
  secret?: never;
  accessToken?: never;
  openApiService?: false;
  stableToken?: false;
  tokenStore?: never;
}

/** Cloud Hosting's open interface service: no token at all. */
export interface WeChatOpenApiServiceAuth {
  openApiService: true;
  secret?: never;
  accessToken?: never;
  cloudbaseAccessToken?: never;
  stableToken?: false;
  tokenStore?: never;
}

/** `new WeChatClient(options)`: the options, with exactly one way to authenticate. */
export type WeChatClientOptions = WeChatClientOptionsBase &
  (WeChatSecretAuth | WeChatAccessTokenAuth | WeChatCloudbaseAuth | WeChatOpenApiServiceAuth);

// ---------------------------------------------------------------------------
// WeChat: requests
// ---------------------------------------------------------------------------

/**
 * When a URL Scheme or URL Link stops working. WeChat links are valid at most
 * 30 days. With none of these fields, none is sent and the platform's default
 * applies.
 */
export interface ExpiryFields {
  /**
   * Whether the link expires. Implied by the other fields; `false` with an
   * expiry given is rejected.
   */
  isExpire?: boolean;
  /** HTTPS name of {@link ExpiryFields.isExpire}. */
  is_expire?: boolean;
  /**
   * `0`: at `expireTime`; `1`: after `expireInterval` days. Inferred from the
   * field given when left out.
   */
  expireType?: 0 | 1;
  /** HTTPS name of {@link ExpiryFields.expireType}. */
  expire_type?: 0 | 1;
  /**
   * When the link expires: more than 1 minute and at most 30 days ahead.
   * Required when `expireType` is 0 and an expiry is asked for.
   */
  expireTime?: Instant;
  /** HTTPS name of {@link ExpiryFields.expireTime}. */
  expire_time?: Instant;
  /** Days until the link expires, integer 1 to 30. Required when `expireType` is 1. */
  expireInterval?: number;
  /** HTTPS name of {@link ExpiryFields.expireInterval}. */
  expire_interval?: number;
}

/** The page a link opens. */
export interface PageFields {
  /** The page, e.g. `pages/index/index`, without `?` (the query goes in `query`). Default: the home page. */
  path?: string;
  /** The page's query; see {@link WeChatQuery} for its limits. */
  query?: WeChatQuery;
  /** Default `'release'`. */
  envVersion?: EnvVersion;
  /** HTTPS name of {@link PageFields.envVersion}. */
  env_version?: EnvVersion;
}

/** `urlscheme.generate`'s `jumpWxa`. */
export interface JumpWxa extends PageFields {}

/** `wx.urlscheme.generate(request)`: `POST /wxa/generatescheme`. */
export interface UrlSchemeGenerateRequest extends ExpiryFields {
  /** The page to open. Default: the home page of the released version. */
  jumpWxa?: JumpWxa;
  /** HTTPS name of {@link UrlSchemeGenerateRequest.jumpWxa}. */
  jump_wxa?: JumpWxa;
}

/** `wx.urlscheme.generateNFC(request)`: `POST /wxa/generatenfcscheme`. It takes no expiry fields. */
export interface UrlSchemeGenerateNfcRequest {
  /** The page to open. Default: the home page of the released version. */
  jumpWxa?: JumpWxa;
  /** HTTPS name of {@link UrlSchemeGenerateNfcRequest.jumpWxa}. */
  jump_wxa?: JumpWxa;
  /** The device model the mini program registered for NFC. Required (as `modelId` or `model_id`). */
  modelId?: string;
  /** HTTPS name of {@link UrlSchemeGenerateNfcRequest.modelId}. */
  model_id?: string;
  /** One device's serial number, for a scheme per device; leave it out for one per model. */
  sn?: string;
}

/** A URL Link's Cloud Base static-site page (the H5 page that opens the mini program). */
export interface CloudBase {
  /** The Cloud Base environment ID. Required. */
  env: string;
  /** The static site's domain; default: the environment's default domain. */
  domain?: string;
  /** The H5 page's path, without `?`. */
  path?: string;
  /** The H5 page's query; see {@link WeChatQuery}. */
  query?: WeChatQuery;
  /** For third parties creating links on behalf of others: the AppID that owns `env`. */
  resourceAppid?: string;
  /** HTTPS name of {@link CloudBase.resourceAppid}. */
  resource_appid?: string;
}

/** `wx.urllink.generate(request)`: `POST /wxa/generate_urllink`. */
export interface UrlLinkGenerateRequest extends PageFields, ExpiryFields {
  /** Open the mini program through a Cloud Base static-site page. */
  cloudBase?: CloudBase;
  /** HTTPS name of {@link UrlLinkGenerateRequest.cloudBase}. */
  cloud_base?: CloudBase;
}

/** Optional fields of {@link ShortLinkGenerateRequest}. */
export interface ShortLinkFields {
  /** The title shown with the link; the platform cuts it at 20 characters. */
  pageTitle?: string;
  /** HTTPS name of {@link ShortLinkFields.pageTitle}. */
  page_title?: string;
  /** `true`: a permanent link (limited in number); default: valid 30 days. */
  isPermanent?: boolean;
  /** HTTPS name of {@link ShortLinkFields.isPermanent}. */
  is_permanent?: boolean;
}

/** `wx.shortlink.generate(request)`: `POST /wxa/genwxashortlink`. `pageUrl` is required. */
export type ShortLinkGenerateRequest = ShortLinkFields &
  (
    | {
        /** The page with its query, e.g. `pages/a/a?id=1`; at most 1024 characters. Required. */
        pageUrl: string;
        page_url?: never;
      }
    | {
        /** HTTPS name of `pageUrl`. */
        page_url: string;
        pageUrl?: never;
      }
  );

/** `queryType` 0 (the default) of the query methods: the link's own data. */
export interface QueryTypeFields {
  queryType?: 0;
  /** HTTPS name of {@link QueryTypeFields.queryType}. */
  query_type?: 0;
}

/**
 * `queryType: 1` of the query methods: the day's remaining visit quota of
 * schemes and URL Links opened from outside WeChat. No link is needed; the
 * body is `{ query_type: 1 }`.
 */
export type VisitQuotaRequest = ({ queryType: 1; query_type?: never } | { query_type: 1; queryType?: never }) & {
  scheme?: string;
  urlLink?: string;
  url_link?: string;
};

/** The answer to a `queryType: 1` query. */
export interface VisitQuotaResult {
  errcode: number;
  errmsg: string;
  quotaInfo: {
    /** Visits left today. */
    remainVisitQuota: number;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** `wx.urlscheme.query(request)`: `POST /wxa/queryscheme`. */
export interface UrlSchemeQueryRequest extends QueryTypeFields {
  /** The scheme (`weixin://dl/business/?t=…`) or its ticket. */
  scheme: string;
}

/** `wx.urllink.query(request)`: `POST /wxa/query_urllink`. `urlLink` is required. */
export type UrlLinkQueryRequest = QueryTypeFields &
  (
    | {
        /** The URL Link (`https://wxaurl.cn/…`). */
        urlLink: string;
        url_link?: never;
      }
    | {
        /** HTTPS name of `urlLink`. */
        url_link: string;
        urlLink?: never;
      }
  );

/** `wx.plainScheme(request)`: built locally, nothing is sent. */
export interface PlainSchemeRequest {
  /** The page, without `?`. Required. */
  path: string;
  /** The page's query: at most 512 characters before encoding; the package percent-encodes it. */
  query?: WeChatQuery;
  /** Default: the platform's (`release`). */
  envVersion?: EnvVersion;
  /** HTTPS name of {@link PlainSchemeRequest.envVersion}. */
  env_version?: EnvVersion;
}

// ---------------------------------------------------------------------------
// WeChat: results (the platform's JSON, every key camelCased)
// ---------------------------------------------------------------------------

/** `urlscheme.generate`'s result. */
export interface UrlSchemeGenerateResult {
  errcode: number;
  errmsg: string;
  /** The scheme, `weixin://dl/business/?t=…`. */
  openlink: string;
}

/** `urllink.generate`'s result. */
export interface UrlLinkGenerateResult {
  errcode: number;
  errmsg: string;
  /** The link, `https://wxaurl.cn/…`. */
  urlLink: string;
}

/** `shortlink.generate`'s result. */
export interface ShortLinkGenerateResult {
  errcode: number;
  errmsg: string;
  /** The Short Link, `#小程序://…`. */
  link: string;
}

/** What a query says about a link. */
export interface LinkInfo {
  appid: string;
  path: string;
  query: string;
  /** Unix seconds. */
  createTime: number;
  /** Unix seconds; 0 for a link without expiry. */
  expireTime: number;
  envVersion: EnvVersion;
  [key: string]: unknown;
}

/** The "long time" (no expiry) quota, as the query methods report it. */
export interface LongTimeQuota {
  longTimeUsed: number;
  longTimeLimit: number;
  [key: string]: unknown;
}

/** `urlscheme.query`'s result. */
export interface UrlSchemeQueryResult {
  errcode: number;
  errmsg: string;
  schemeInfo: LinkInfo;
  schemeQuota?: LongTimeQuota;
  visitOpenid?: string;
  [key: string]: unknown;
}

/** A URL Link's Cloud Base page, as `urllink.query` reports it. */
export interface CloudBaseInfo {
  env: string;
  domain?: string;
  path?: string;
  query?: string;
  resourceAppid?: string;
  [key: string]: unknown;
}

/** What `urllink.query` says about a URL Link. */
export interface UrlLinkInfo extends LinkInfo {
  cloudBase?: CloudBaseInfo;
}

/** `urllink.query`'s result. */
export interface UrlLinkQueryResult {
  errcode: number;
  errmsg: string;
  urlLinkInfo: UrlLinkInfo;
  urlLinkQuota?: LongTimeQuota;
  visitOpenid?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------
// Bulk generation: generateMany
// ---------------------------------------------------------------------------

/** Counts passed to `onProgress` after every settled row. */
export interface GenerateManyProgress {
  /** The number of rows, when `requests` is an array. */
  total?: number;
  done: number;
  succeeded: number;
  failed: number;
  notDone: number;
  inFlight: number;
}

/** `generateMany`'s options; `kind` picks the generate method. */
export interface GenerateManyOptions<Kind extends string> {
  kind: Kind;
  /** Rows in flight at once (default 32). */
  concurrency?: number;
  /**
   * Starts per second, spaced evenly (default 90 % of the documented limit:
   * URL Link 180, URL Scheme 90, Short Link 90, Douyin 90). `Infinity`: none.
   */
  ratePerSecond?: number;
  onProgress?: (progress: GenerateManyProgress) => void;
  /** Stops starting rows; rows in flight finish, the rest come back `NOT_DONE`. */
  signal?: AbortSignal;
}

/**
 * One row's outcome, in completion order. A row that was never started (quota
 * reached, a token failure no retry can fix, the signal aborted) comes back
 * with a `LinkError` of code `NOT_DONE` and its `reason`.
 */
export type GenerateManyOutcome<Result> = { index: number; result: Result } | { index: number; error: LinkError };

/** `AbortSignal`'s surface as `generateMany` uses it (no DOM types needed). */
export interface AbortSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

type Rows<Request> = Iterable<Request> | AsyncIterable<Request>;

// ---------------------------------------------------------------------------
// WeChat: the client
// ---------------------------------------------------------------------------

/**
 * WeChat mini program links (api.weixin.qq.com). The constructor throws a
 * {@link LinkError} (`INVALID_ARGUMENT`) at once for bad options.
 */
export declare class WeChatClient {
  constructor(options: WeChatClientOptions);

  /**
   * The cached access token, or a new one (`GET /cgi-bin/token`, or
   * `POST /cgi-bin/stable_token` with `stableToken`). Only with `secret`.
   */
  readonly getAccessToken: (request?: GetAccessTokenRequest) => Promise<AccessTokenResult>;

  readonly urlscheme: {
    /**
     * A URL Scheme (`weixin://dl/business/?t=…`) that opens the mini program
     * from outside WeChat. Valid at most 30 days.
     */
    readonly generate: (request?: UrlSchemeGenerateRequest) => Promise<UrlSchemeGenerateResult>;
    /**
     * The scheme an NFC tag holds (`weixin://dl/business/?t=…`), for a device
     * model or one device (`sn`); the mini program needs the NFC capability.
     */
    readonly generateNFC: (request: UrlSchemeGenerateNfcRequest) => Promise<UrlSchemeGenerateResult>;
    /** What the platform knows about a scheme. */
    readonly query: {
      (request: VisitQuotaRequest): Promise<VisitQuotaResult>;
      (request: UrlSchemeQueryRequest): Promise<UrlSchemeQueryResult>;
    };
  };

  readonly urllink: {
    /** A URL Link (`https://wxaurl.cn/…`) that opens the mini program. Valid at most 30 days. */
    readonly generate: (request?: UrlLinkGenerateRequest) => Promise<UrlLinkGenerateResult>;
    /** What the platform knows about a URL Link. */
    readonly query: {
      (request: VisitQuotaRequest): Promise<VisitQuotaResult>;
      (request: UrlLinkQueryRequest): Promise<UrlLinkQueryResult>;
    };
  };

  readonly shortlink: {
    /** A Short Link (`#小程序://…`) for use inside WeChat. */
    readonly generate: (request: ShortLinkGenerateRequest) => Promise<ShortLinkGenerateResult>;
  };

  /**
   * The plaintext scheme `weixin://dl/business/?appid=…&path=…&query=…&env_version=…`,
   * built locally and synchronously (the page must be declared in the mini
   * program's settings). Needs `appid`. Throws a {@link LinkError}.
   */
  readonly plainScheme: (request: PlainSchemeRequest) => string;

  /**
   * Many links, rate limited below the platform's per-second limit; a quota
   * error stops the run cleanly and nothing is retried beyond `retries`.
   */
  generateMany(requests: Rows<UrlSchemeGenerateRequest>, options: GenerateManyOptions<'urlscheme'>): AsyncIterableIterator<GenerateManyOutcome<UrlSchemeGenerateResult>>;
  generateMany(requests: Rows<UrlSchemeGenerateNfcRequest>, options: GenerateManyOptions<'nfc'>): AsyncIterableIterator<GenerateManyOutcome<UrlSchemeGenerateResult>>;
  generateMany(requests: Rows<UrlLinkGenerateRequest>, options: GenerateManyOptions<'urllink'>): AsyncIterableIterator<GenerateManyOutcome<UrlLinkGenerateResult>>;
  generateMany(requests: Rows<ShortLinkGenerateRequest>, options: GenerateManyOptions<'shortlink'>): AsyncIterableIterator<GenerateManyOutcome<ShortLinkGenerateResult>>;
  generateMany(requests: Rows<PlainSchemeRequest>, options: GenerateManyOptions<'plainScheme'>): AsyncIterableIterator<GenerateManyOutcome<string>>;
}

// ---------------------------------------------------------------------------
// Douyin
// ---------------------------------------------------------------------------

/**
 * The Douyin API generation: `'v1'` (default) is developer.toutiao.com, the
 * token in the JSON body; `'v2'` is open.douyin.com, the token in the
 * `access-token` header, with `queryInfo` and `queryQuota`, and Schema links.
 */
export type DouyinApiVersion = 'v1' | 'v2';

/** The host app a Douyin link opens in: v1 knows Douyin and Douyin Lite; v2 adds Toutiao and Toutiao Lite. */
export type DouyinAppName<Api extends DouyinApiVersion = 'v1'> = Api extends 'v2'
  ? 'douyin' | 'douyinlite' | 'toutiao' | 'toutiaolite'
  : 'douyin' | 'douyinlite';

/** `new DouyinClient(options)`: every option. */
export interface DouyinClientOptionsBase<Api extends DouyinApiVersion = DouyinApiVersion> extends ClientOptionsBase {
  /** The mini app's AppID (`tt…`). Always required: every request carries it. */
  appid: string;
  /** The AppSecret: the package fetches, caches and renews the access token. */
  secret?: string;
  /** An access token you manage, or a function returning the current one. */
  accessToken?: TokenSource;
  /** The API generation; default `'v1'`. */
  api?: Api;
  /**
   * `true` (with `secret` and `api: 'v2'` only): tokens from
   * `POST /oauth/stable_client_token/`, the same token for every instance
   * until it expires. Default `false`.
   */
  stableToken?: Api extends 'v2' ? boolean : never;
  /** A shared token cache (only with `secret`). Default: in memory, per client. */
  tokenStore?: TokenStore;
}

/** `new DouyinClient(options)`: `appid` and exactly one of `secret` and `accessToken`. */
export type DouyinClientOptions<Api extends DouyinApiVersion = DouyinApiVersion> = DouyinClientOptionsBase<Api> &
  ({ secret: string; accessToken?: never } | { accessToken: TokenSource; secret?: never; tokenStore?: never });

/** Optional fields of {@link DouyinUrlLinkGenerateRequest}. */
export interface DouyinUrlLinkFields<Api extends DouyinApiVersion = 'v1'> {
  /** The host app; default `'douyin'`. `toutiao` and `toutiaolite` need `api: 'v2'`. */
  appName?: DouyinAppName<Api>;
  /** HTTPS name of {@link DouyinUrlLinkFields.appName}. */
  app_name?: DouyinAppName<Api>;
  /** A published page, e.g. `pages/index`, without `?`. Default: the home page. */
  path?: string;
  /** The page's query; see {@link DouyinQuery}. Default `'{}'`. */
  query?: DouyinQuery;
}

/**
 * `dy.urlLink.generate(request)`. `expireTime` is required: in the future and
 * at most 180 days ahead. Douyin counts validity in whole hours, rounded up:
 * a link asked to expire 1 h 37 min from now lives 2 hours.
 */
export type DouyinUrlLinkGenerateRequest<Api extends DouyinApiVersion = 'v1'> = DouyinUrlLinkFields<Api> & DouyinExpireTime;

/** A Douyin link's required expiry, under either spelling (a URL Link's is rounded up to whole hours by Douyin). */
type DouyinExpireTime =
  | {
      /** When it expires: after now, at most 180 days ahead. */
      expireTime: Instant;
      expire_time?: never;
    }
  | {
      /** HTTPS name of `expireTime`. */
      expire_time: Instant;
      expireTime?: never;
    };

/** `dy.urlLink.queryInfo(request)` (v2). */
export type DouyinUrlLinkQueryInfoRequest =
  | {
      /** The link, `https://z.douyin.com/…`. */
      urlLink: string;
      url_link?: never;
    }
  | {
      /** HTTPS name of `urlLink`. */
      url_link: string;
      urlLink?: never;
    };

/** `dy.urlLink.generate`'s result. */
export interface DouyinUrlLinkGenerateResult {
  /** The link, `https://z.douyin.com/…`. */
  urlLink: string;
  /** v1: the platform's `err_no` (0 here). */
  errNo?: number;
  /** v1: the platform's `err_tips`. */
  errTips?: string;
  /** v2: the platform's request id, for Douyin support. */
  logId?: string;
}

/** `dy.urlLink.queryInfo`'s result (v2): what the platform knows about a link. */
export interface DouyinUrlLinkInfo {
  appName: string;
  path: string;
  query: string;
  /** Unix seconds. */
  createTime: number;
  /** Unix seconds. */
  expireTime: number;
  logId?: string;
  [key: string]: unknown;
}

/** `dy.urlLink.queryQuota`'s result (v2). */
export interface DouyinUrlLinkQuota {
  /** Links generated so far in the current period. */
  urlLinkUsed: number;
  /** How many may be generated. */
  urlLinkLimit: number;
  logId?: string;
}

/** `dy.urlLink` of a v1 client. */
export interface DouyinUrlLinkMethodsV1 {
  /** `POST /api/apps/url_link/generate`: a URL Link that opens the mini app (at most 180 days). */
  readonly generate: (request: DouyinUrlLinkGenerateRequest<'v1'>) => Promise<DouyinUrlLinkGenerateResult>;
}

/** `dy.urlLink` of a v2 client (`api: 'v2'`). */
export interface DouyinUrlLinkMethodsV2 {
  /** `POST /api/apps/v1/url_link/generate/`: a URL Link that opens the mini app (at most 180 days). */
  readonly generate: (request: DouyinUrlLinkGenerateRequest<'v2'>) => Promise<DouyinUrlLinkGenerateResult>;
  /** `POST /api/apps/v1/url_link/query_info/`: what the platform knows about a link. */
  readonly queryInfo: (request: DouyinUrlLinkQueryInfoRequest) => Promise<DouyinUrlLinkInfo>;
  /** `POST /api/apps/v1/url_link/query_quota/`: links used and allowed. */
  readonly queryQuota: (request?: Record<string, never>) => Promise<DouyinUrlLinkQuota>;
}

/** `dy.urlLink` for the given API generation. */
export type DouyinUrlLinkMethods<Api extends DouyinApiVersion = 'v1'> = Api extends 'v2'
  ? DouyinUrlLinkMethodsV2
  : DouyinUrlLinkMethodsV1;

/** Optional fields of {@link DouyinSchemaGenerateRequest}. */
export interface DouyinSchemaFields {
  /** A published page, e.g. `pages/index`, without `?`. Default: the home page. */
  path?: string;
  /** The page's query; see {@link DouyinQuery}. Default `'{}'`. */
  query?: DouyinQuery;
}

/** A long-term schema: `noExpire: true` and no expiry. */
type DouyinSchemaLongTerm = ({ noExpire: true; no_expire?: never } | { no_expire: true; noExpire?: never }) & {
  expireTime?: never;
  expire_time?: never;
};

/** A short-term schema (the default): `expireTime` is required. */
type DouyinSchemaShortTerm = ({ noExpire?: false; no_expire?: never } | { no_expire?: false; noExpire?: never }) & DouyinExpireTime;

/**
 * `dy.schema.generate(request)` (v2): a short-term schema, `expireTime`
 * required (after now, at most 180 days ahead), or with `noExpire: true`
 * (HTTPS name `no_expire`) a long-term one, which takes no `expireTime`.
 */
export type DouyinSchemaGenerateRequest = DouyinSchemaFields & (DouyinSchemaLongTerm | DouyinSchemaShortTerm);

/** `dy.schema.query(request)` (v2). */
export interface DouyinSchemaQueryRequest {
  /** The schema, `sslocal://miniapp?ticket=…`. */
  schema: string;
}

/** `dy.schema.generate`'s result. */
export interface DouyinSchemaGenerateResult {
  /** The schema, `sslocal://miniapp?ticket=…`. */
  schema: string;
  /** The platform's request id, for Douyin support. */
  logId?: string;
}

/** `dy.schema.query`'s result: what the platform knows about a schema. */
export interface DouyinSchemaInfo {
  appId: string;
  path: string;
  query: string;
  /** Unix seconds. */
  createTime: number;
  /** Unix seconds. */
  expireTime: number;
  logId?: string;
  [key: string]: unknown;
}

/** One of the quotas `dy.schema.queryQuota` reports. */
export interface DouyinSchemaQuotaCount {
  /** Schemas generated so far. */
  schemaUsed: number;
  /** How many may be generated. */
  schemaLimit: number;
}

/** `dy.schema.queryQuota`'s result (v2). */
export interface DouyinSchemaQuota {
  /** Long-term schemas (`noExpire: true`). */
  longTermSchemaQuota: DouyinSchemaQuotaCount;
  /** Short-term schemas. */
  shortTermSchemaQuota: DouyinSchemaQuotaCount;
  logId?: string;
}

/** `dy.schema` of a v2 client (`api: 'v2'`). */
export interface DouyinSchemaMethodsV2 {
  /** `POST /api/apps/v1/url/generate_schema/`: a schema that opens the mini app. */
  readonly generate: (request: DouyinSchemaGenerateRequest) => Promise<DouyinSchemaGenerateResult>;
  /** `POST /api/apps/v1/url/query_schema/`: what the platform knows about a schema. */
  readonly query: (request: DouyinSchemaQueryRequest) => Promise<DouyinSchemaInfo>;
  /** `POST /api/apps/v1/url/query_schema_quota/`: schemas used and allowed, long-term and short-term. */
  readonly queryQuota: (request?: Record<string, never>) => Promise<DouyinSchemaQuota>;
}

/**
 * `dy.schema` of a v1 client: nothing to call. Schema links need `api: 'v2'`;
 * on a v1 client the calls reject with `INVALID_ARGUMENT` and send nothing.
 */
export interface DouyinSchemaMethodsV1 {}

/** `dy.schema` for the given API generation. */
export type DouyinSchemaMethods<Api extends DouyinApiVersion = 'v1'> = Api extends 'v2'
  ? DouyinSchemaMethodsV2
  : DouyinSchemaMethodsV1;

/**
 * Douyin mini app links. `Api` follows the `api` option (`'v1'` when left out),
 * which decides the host apps allowed and whether `queryInfo`/`queryQuota`
 * and the `schema` methods exist. The constructor throws a {@link LinkError} (`INVALID_ARGUMENT`) at
 * once for bad options.
 */
export declare class DouyinClient<Api extends DouyinApiVersion = 'v1'> {
  constructor(options: DouyinClientOptions<Api>);

  /**
   * The cached access token, or a new one (v1 `POST /api/apps/v2/token`,
   * v2 `POST /oauth/client_token/`). Only with `secret`.
   */
  readonly getAccessToken: (request?: GetAccessTokenRequest) => Promise<AccessTokenResult>;

  readonly urlLink: DouyinUrlLinkMethods<Api>;

  /** Schema links (`sslocal://miniapp?ticket=…`), with `api: 'v2'`. */
  readonly schema: DouyinSchemaMethods<Api>;

  /** Many URL Links, rate limited below 100 QPS; a quota error stops the run cleanly. */
  generateMany(
    requests: Rows<DouyinUrlLinkGenerateRequest<Api>>,
    options: GenerateManyOptions<'douyin.urlLink' | 'urlLink'>,
  ): AsyncIterableIterator<GenerateManyOutcome<DouyinUrlLinkGenerateResult>>;
  /** Many Schema links (`api: 'v2'`). */
  generateMany(
    requests: Rows<DouyinSchemaGenerateRequest>,
    options: GenerateManyOptions<'douyin.schema' | 'schema'>,
  ): AsyncIterableIterator<GenerateManyOutcome<DouyinSchemaGenerateResult>>;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * - `INVALID_ARGUMENT`: rejected before anything was sent (`field` says which).
 * - `API_ERROR`: the platform answered with an error code (`errcode`, `errmsg`).
 * - `HTTP_ERROR`: a non-2xx status, or a body that is not the expected JSON (`status`).
 * - `NETWORK_ERROR`: `fetch` threw (connection refused or reset, DNS, ...).
 * - `TIMEOUT`: no answer within `timeoutMs`; the request was aborted.
 * - `INTERNAL_ERROR`: a bug in the package (the WebAssembly instance trapped; it
 *   is re-instantiated and the next call works).
 * - `NOT_DONE`: `generateMany` never started the row (see `reason`).
 */
export type LinkErrorCode =
  | 'INVALID_ARGUMENT'
  | 'API_ERROR'
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'INTERNAL_ERROR'
  | 'NOT_DONE';

/**
 * What to do about a {@link LinkError}, from the package's tables:
 * - `invalid`: refused before sending: fix the request or the options.
 * - `auth`: no access token could be had (wrong secret or appid, …), or the
 *   platform refused the one sent even after a fresh one.
 * - `quota`: a daily or lifetime quota is used up: retrying only burns more.
 * - `rate`: too many requests per second (already retried).
 * - `transient`: busy, 5xx, network, timeout (already retried).
 * - `rejected`: the platform refused the request for another reason.
 * - `internal`: a bug in the package (`INTERNAL_ERROR`).
 * - `aborted`: `generateMany` was aborted before starting the row (`NOT_DONE`).
 */
export type LinkErrorClass = 'invalid' | 'auth' | 'quota' | 'rate' | 'transient' | 'rejected' | 'internal' | 'aborted';

/** The platform a {@link LinkError} comes from. */
export type LinkPlatform = 'wechat' | 'douyin';

/** The fields a {@link LinkError} is made from. */
export interface LinkErrorFields {
  code: LinkErrorCode;
  message: string;
  platform: LinkPlatform;
  api: string;
  retryable?: boolean;
  class?: LinkErrorClass;
  field?: string;
  errcode?: number;
  errmsg?: string;
  status?: number;
  logId?: string;
}

/**
 * Every failure of the package: rejected promises, and what `plainScheme` and
 * the constructors throw. Never carries the secret or an access token, in any
 * field, its stack or its JSON.
 */
/**
 * The developer's own query (`cq`) on an encrypted URL Scheme or a URL Link,
 * read in the mini program as `cq`: `weixin://dl/business/?t=…&cq=ENC`,
 * `https://wxaurl.cn/…?cq=ENC`, where ENC is `encodeURIComponent` of `cq`.
 * `cq`: a string or a plain object (encoded like `query`), at most 256
 * characters before encoding, in the query charset. Synchronous, no request;
 * throws a `LinkError` (`api: 'appendCq'`) for a plaintext scheme, any other
 * URL, or a link that already has a `cq`.
 */
export declare function appendCq(link: string, cq: WeChatQuery): string;

/** `renderLandingPage`'s options. Texts are HTML-escaped; lengths count characters. */
export interface LandingPageOptions {
  /** The button's target: an encrypted (`weixin://dl/business/?t=…`) or plaintext (`…?appid=…`) URL Scheme. */
  openlink: string;
  /** An `https:` URL Link: where the page goes inside WeChat (user agent `MicroMessenger`). */
  urlLink?: string;
  /** The heading and document title, 1 to 64 characters. */
  title: string;
  /** A line under the heading, at most 200 characters. */
  description?: string;
  /** At most 32 characters; default `打开小程序` / `Open the mini program`. */
  buttonText?: string;
  /** An `https:` URL drawn as an inline SVG QR code for desktop visitors (usually the page's own URL). */
  qrUrl?: string;
  /** Default `zh-CN`. */
  lang?: 'zh-CN' | 'en';
}

/**
 * The landing page for SMS and e-mail visitors, as one self-contained HTML
 * document (no external script, style, font or image): a plain link to
 * `openlink` that works with JavaScript off; with JavaScript, one jump on load
 * on a phone and a hint if the browser blocked it, the URL Link inside
 * WeChat, the QR code of `qrUrl` on a desktop. Synchronous, no request;
 * throws a `LinkError` (`api: 'renderLandingPage'`, `field` naming the option)
 * for any other link (`javascript:`, `data:`, …) or text past its length.
 */
export declare function renderLandingPage(options: LandingPageOptions): string;

/** What the handler reads of a request: `node:http`'s `IncomingMessage` (and Express's `req`) has it. */
export interface LandingRequest {
  method?: string | undefined;
  url?: string | undefined;
}

/** What the handler calls on a response: `node:http`'s `ServerResponse` (and Express's `res`) has it. */
export interface LandingResponse {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body?: Uint8Array): unknown;
}

/** `createLandingHandler`'s options: the page's texts, and how requests map to schemes. */
export interface LandingHandlerOptions<Req extends LandingRequest = LandingRequest> extends Omit<LandingPageOptions, 'openlink' | 'urlLink' | 'qrUrl'> {
  /**
   * The URL Scheme request for a visitor's request (`urlscheme.generate`'s
   * argument), or `null` / `undefined` for a 404. Requests that give the same
   * JSON share one scheme and one cached page.
   */
  resolve(req: Req): UrlSchemeGenerateRequest | null | undefined | Promise<UrlSchemeGenerateRequest | null | undefined>;
  /** The QR code's URL for desktop visitors, or a function of the request giving it (part of the cache key). */
  qrUrl?: string | ((req: Req) => string | undefined);
  /** Also generate a URL Link (`urllink.generate` with `jumpWxa`'s path, query, envVersion), for WeChat's browser. */
  urlLink?: boolean;
  /** Pages kept, least recently used first out; default 1000. */
  cacheSize?: number;
  /** How long a page (and its scheme) is kept, more than 0 and at most 29 days; default 86400 (a day). */
  cacheSeconds?: number;
  /** Told of every failure behind a 500 or 503 (a `LinkError`, or what `resolve` threw). */
  onError?: (error: unknown, req: Req) => void;
}

/**
 * A `(req, res)` handler for `node:http` and Express serving
 * `renderLandingPage`'s page: each target's scheme generated once through
 * `client` (one platform call however many visitors arrive at once, spaced
 * within the API's rate limit) and its page cached; 404 where `resolve` gives
 * `null`, 503 (no detail, no secret, `Retry-After`) when the platform fails,
 * 405 for methods other than GET and HEAD. Headers: `Content-Type`,
 * `Content-Security-Policy` (the page's inline script and style by hash,
 * nothing else), `X-Content-Type-Options`, `Referrer-Policy: no-referrer`,
 * `Cache-Control`. Throws a `LinkError` (`api: 'createLandingHandler'` or
 * `'renderLandingPage'`) for wrong options.
 */
export declare function createLandingHandler<Req extends LandingRequest = LandingRequest>(
  client: WeChatClient,
  options: LandingHandlerOptions<Req>
): (req: Req, res: LandingResponse) => Promise<void>;

export declare class LinkError extends Error {
  constructor(fields: LinkErrorFields);
  readonly name: 'LinkError';
  /** What kind of failure; see {@link LinkErrorCode}. */
  readonly code: LinkErrorCode;
  readonly platform: LinkPlatform;
  /**
   * The API involved: `urlscheme.generate`, `urlscheme.generateNFC`, `urlscheme.query`,
   * `urllink.generate`, `urllink.query`, `shortlink.generate`, `plainScheme`,
   * `auth.getAccessToken`, `douyin.urlLink.generate`, `douyin.getAccessToken`,
   * `douyin.v2.urlLink.generate`, `douyin.v2.urlLink.queryInfo`,
   * `douyin.v2.urlLink.queryQuota`, `douyin.v2.getAccessToken`; or
   * `WeChatClient` / `DouyinClient` for constructor options.
   */
  readonly api: string;
  /**
   * Whether trying again later may work: system busy (-1), rate limits (44990,
   * 12020, 28003018), 5xx, network errors and timeouts. Such failures were
   * already retried `retries` times.
   */
  readonly retryable: boolean;
  /** What to do about it; set on every `LinkError` the package makes (see {@link LinkErrorClass}). */
  readonly class: LinkErrorClass;
  /** `INVALID_ARGUMENT`: the dotted name of the field at fault, e.g. `jumpWxa.query`. */
  readonly field?: string;
  /** `API_ERROR`: the platform's code (WeChat `errcode`, Douyin `err_no`). */
  readonly errcode?: number;
  /** `API_ERROR`: the platform's text (WeChat `errmsg`, Douyin `err_tips` / `err_msg`). */
  readonly errmsg?: string;
  /** The HTTP status, where there was an answer. */
  readonly status?: number;
  /** Douyin v2: the platform's request id, for Douyin support. */
  readonly logId?: string;
  /** `NOT_DONE`: why `generateMany` stopped starting rows. */
  readonly reason?: 'quota' | 'auth' | 'aborted';
}
