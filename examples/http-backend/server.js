'use strict';
// A plain Node.js backend that hands out URL Links into the mini program.
//
//   WECHAT_APPID=wx… WECHAT_SECRET=… node server.js
//   curl 'http://127.0.0.1:3000/link?path=pages/item/item&query=id%3D42'
//   -> 200 {"urlLink":"https://wxaurl.cn/…"}
//
// GET /link?path=…&query=…[&env=release|trial|develop]
//   200 {urlLink}
//   400 {code, message, field}  the request broke a documented rule (nothing was sent)
//   503 {code, message}         transient (platform busy, rate limit, timeout,
//                               network): try again later, Retry-After says when
//   502 {code, message}         anything else the platform refused (no
//                               permission, quota used up, unpublished mini program…)
//
// Environment: WECHAT_APPID, WECHAT_SECRET; PORT (default 3000, 0 = any free
// port), HOST (default 127.0.0.1: put it behind your reverse proxy);
// WECHAT_BASE_URL to point the client somewhere else (the tests use the
// emulator). On start it prints one line: {"url":"http://HOST:PORT"}.
// Zero dependencies besides miniprogram-links; Node.js 16 or newer.

const http = require('node:http');
const { WeChatClient, LinkError } = require('miniprogram-links');

const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL } = process.env;

// One client for the whole process: it caches the token, refreshes it shortly
// before it expires and shares one refresh among concurrent requests. With
// several processes or machines, add `stableToken: true` or a shared `tokenStore`.
const wechat = new WeChatClient({
  appid: WECHAT_APPID,
  secret: WECHAT_SECRET,
  ...(WECHAT_BASE_URL ? { baseUrl: WECHAT_BASE_URL } : {}),
});

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function statusFor(err) {
  if (err.code === 'INVALID_ARGUMENT') return 400;
  return err.retryable ? 503 : 502;
}

async function link(params) {
  const request = { path: params.get('path') || undefined, query: params.get('query') || undefined };
  if (params.has('env')) request.envVersion = params.get('env');
  const { urlLink } = await wechat.urllink.generate({ ...request, expireInterval: 30 });
  return { urlLink };
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/link') return send(res, 404, { code: 'NOT_FOUND', message: `no route ${url.pathname}` });
  if (req.method !== 'GET') return send(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'GET only' }, { allow: 'GET' });
  link(url.searchParams).then(
    (body) => send(res, 200, body),
    (err) => {
      if (!(err instanceof LinkError)) {
        console.error(err);
        return send(res, 500, { code: 'INTERNAL_ERROR', message: 'internal error' });
      }
      // The message never contains the secret or a token: safe to pass on.
      const body = { code: err.code, message: err.message };
      if (err.field !== undefined) body.field = err.field;
      if (err.errcode !== undefined) body.errcode = err.errcode;
      send(res, statusFor(err), body, err.retryable ? { 'retry-after': '1' } : {});
    }
  );
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST || '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(JSON.stringify({ url: `http://${address}:${port}` }));
});

function stop() {
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open.
  if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
