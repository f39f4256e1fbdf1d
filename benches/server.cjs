'use strict';
// The benchmark's loopback server: answers the WeChat token and generatescheme
// routes with fixed JSON, as fast as it can, so that the clients are measured
// and not the server. Its own process (the clients' CPU is measured per process).
//
//   node benches/server.cjs [--kind raw|http]
//
// raw  (default) a minimal HTTP/1.1 keep-alive responder on node:net: reads each
//      request's head and Content-Length body, answers from a precomputed buffer.
//      Measured (scripts/bench --server-check): ~32 µs CPU per request against
//      node:http's ~43, so at the fastest client's pace it keeps more of its
//      core idle (under 50 % busy, node:http over 60 %): the clients are the
//      bottleneck, not the server.
// http node:http, for comparison.
// --tls serves either over TLS with the test certificate
// (js-tests/support/tls, for 127.0.0.1): the platforms are reached over
// HTTPS, and TLS costs every client the same. The driver has the clients
// trust it through NODE_EXTRA_CA_CERTS.
// (The emulator, js-tests/emulator, is not used here: it checks tokens and
// bodies and records every request, work that has nothing to do with the
// clients being compared.)
//
// Prints one JSON line {"url": "http://127.0.0.1:PORT"}; serves until SIGTERM.
// GET /__stats answers {"requests": N, "cpuUs": N} (this process's CPU so far),
// so the driver can tell how busy the server was during a round.

const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');
const tls = require('node:tls');

const TOKEN = 'BENCH_ACCESS_TOKEN_0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BODIES = {
  token: JSON.stringify({ access_token: TOKEN, expires_in: 7200 }),
  scheme: JSON.stringify({ errcode: 0, errmsg: 'ok', openlink: 'weixin://dl/business/?t=Ab3dEf9hIjKlM' }),
  notFound: JSON.stringify({ errcode: 404, errmsg: 'no such route' }),
};

let requests = 0;

function route(method, path) {
  const q = path.indexOf('?');
  const p = q >= 0 ? path.slice(0, q) : path;
  if (p === '/wxa/generatescheme' && method === 'POST') return [200, BODIES.scheme];
  if (p === '/cgi-bin/token' && method === 'GET') return [200, BODIES.token];
  if (p === '/cgi-bin/stable_token' && method === 'POST') return [200, BODIES.token];
  if (p === '/__stats') {
    const cpu = process.cpuUsage();
    return [200, JSON.stringify({ requests, cpuUs: cpu.user + cpu.system })];
  }
  return [404, BODIES.notFound];
}

// ---- raw ----

const cache = new Map(); // response text -> Buffer with head
function rawResponse(status, body) {
  const key = status + body;
  let buf = cache.get(key);
  if (!buf) {
    const len = Buffer.byteLength(body);
    buf = Buffer.from(
      `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Not Found'}\r\nContent-Type: application/json; encoding=utf-8\r\n` +
        `Content-Length: ${len}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=30\r\n\r\n${body}`
    );
    if (!body.startsWith('{"requests"')) cache.set(key, buf);
  }
  return buf;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

function onConnection(socket) {
  socket.setNoDelay(true);
  let pending = null; // unparsed bytes
  socket.on('data', (chunk) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    const out = [];
    for (;;) {
      const headEnd = buf.indexOf(CRLFCRLF);
      if (headEnd < 0) break;
      const head = buf.toString('latin1', 0, headEnd);
      const lineEnd = head.indexOf('\r\n');
      const requestLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
      const sp1 = requestLine.indexOf(' ');
      const sp2 = requestLine.indexOf(' ', sp1 + 1);
      const method = requestLine.slice(0, sp1);
      const path = requestLine.slice(sp1 + 1, sp2);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const bodyLen = m ? Number(m[1]) : 0;
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        // Not needed by any contender; refuse loudly rather than misparse.
        socket.end('HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const total = headEnd + 4 + bodyLen;
      if (buf.length < total) break;
      requests += 1;
      const [status, body] = route(method, path);
      out.push(rawResponse(status, body));
      buf = buf.subarray(total);
    }
    pending = buf.length ? buf : null;
    if (out.length === 1) socket.write(out[0]);
    else if (out.length > 1) socket.write(Buffer.concat(out));
  });
  socket.on('error', () => {});
}

// ---- node:http ----

function onRequest(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    requests += 1;
    const [status, body] = route(req.method, req.url);
    res.writeHead(status, { 'content-type': 'application/json; encoding=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

const kindIndex = process.argv.indexOf('--kind');
const kind = kindIndex > 0 ? process.argv[kindIndex + 1] : 'raw';
const secure = process.argv.includes('--tls');
const TLS_DIR = path.join(__dirname, '..', 'js-tests', 'support', 'tls');
const credentials = secure ? { cert: fs.readFileSync(path.join(TLS_DIR, 'cert.pem')), key: fs.readFileSync(path.join(TLS_DIR, 'key.pem')) } : null;
let server;
if (kind === 'raw') server = secure ? tls.createServer(credentials, onConnection) : net.createServer(onConnection);
else if (kind === 'http') {
  server = secure ? https.createServer({ ...credentials, keepAliveTimeout: 30000 }, onRequest) : http.createServer({ keepAliveTimeout: 30000 }, onRequest);
  server.keepAliveTimeout = 30000;
} else {
  process.stderr.write(`server: unknown --kind ${kind}\n`);
  process.exit(2);
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `${secure ? 'https' : 'http'}://127.0.0.1:${server.address().port}`, kind })}\n`);
});
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
