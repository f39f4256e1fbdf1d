'use strict';
// A WeChat cloud function that returns a link into the mini program.
//
//   wx.cloud.callFunction({ name: 'getLink', data: { path: 'pages/item/item', query: 'id=42' } })
//   // -> { result: { urlLink: 'https://wxaurl.cn/…' } }
//   // data.kind: 'urllink' (default: an https link for SMS, mail, web pages)
//   //            or 'urlscheme' (a weixin:// scheme, for in-app browsers) -> { openlink }
//
// Credentials: set WECHAT_APPID and WECHAT_SECRET as environment variables of
// the function (cloud console -> the function -> configuration). The client
// uses the *stable* token endpoint: every instance of the function gets the
// same token until it rotates, so instances started in parallel do not knock
// each other's tokens out (the classic /cgi-bin/token endpoint would). The
// token is cached for as long as the instance stays warm.
//
// The alternatives:
// - wx-server-sdk's cloud call, `cloud.openapi.urllink.generate(...)`, needs no
//   secret at all, for the mini program the cloud environment belongs to, once
//   config.json lists the API under permissions.openapi (as this one does, so
//   the function can switch). What this package adds: requests checked before
//   anything is sent, one LinkError with the errcode explained, retries of
//   transient failures, other appids, and the same code outside WeChat Cloud.
// - WeChat Cloud *Hosting* (containers, not cloud functions) authenticates with
//   `cloudbaseAccessToken` (the X-WX-CLOUDBASE-ACCESS-TOKEN header) or, behind
//   its open interface service, `openApiService: true` with no token at all.
// - A token managed elsewhere (e.g. a third-party platform's
//   authorizer_access_token): `accessToken: () => readTokenFromYourStore()`.
//
// WECHAT_BASE_URL overrides the API host (the tests point it at the emulator).
// Runs on the Node.js 16 runtime cloud functions default to.

const { WeChatClient, LinkError } = require('miniprogram-links');

let client = null; // one per warm instance: it keeps the token between calls

function wechat() {
  if (client === null) {
    const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL } = process.env;
    client = new WeChatClient({
      appid: WECHAT_APPID,
      secret: WECHAT_SECRET,
      stableToken: true,
      ...(WECHAT_BASE_URL ? { baseUrl: WECHAT_BASE_URL } : {}),
      // A cloud function has a time limit of its own (3 s by default): two
      // short attempts fit in it, one 10-second attempt (the default) does not.
      timeoutMs: 1200,
      retries: 1,
    });
  }
  return client;
}

exports.main = async (event) => {
  const { path, query, envVersion, kind = 'urllink' } = event || {};
  try {
    if (kind === 'urlscheme') {
      const { openlink } = await wechat().urlscheme.generate({
        jumpWxa: { path, query, envVersion },
        expireInterval: 30, // days; at most 30
      });
      return { openlink };
    }
    if (kind !== 'urllink') {
      return { error: { code: 'INVALID_ARGUMENT', field: 'kind', message: "kind: 'urllink' or 'urlscheme'" } };
    }
    const { urlLink } = await wechat().urllink.generate({ path, query, envVersion, expireInterval: 30 });
    return { urlLink };
  } catch (err) {
    // An answer the mini program can branch on; anything else is a bug: throw.
    if (!(err instanceof LinkError)) throw err;
    const { code, field, errcode, retryable, message } = err;
    return { error: { code, field, errcode, retryable, message } };
  }
};
