// The built-in transport (transport.cjs in the installed package):
// nodeSend(method, url, headerLines, body, timeoutMs) -> [status, text], HTTP/1.1
// over node:net / node:tls with pooled keep-alive sockets and one timer per request.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import util from 'node:util';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { makeRandom } from './support/random.mjs';
import { within } from './support/within.mjs';
import { WeChatClient } from 'miniprogram-links';

const require = createRequire(import.meta.url);
// Not an export of the package: load it by path from the installed copy.
const TRANSPORT = path.join(path.dirname(require.resolve('miniprogram-links/package.json')), 'transport.cjs');
const { nodeSend, fetchSend } = require(TRANSPORT);

/** nodeSend with fetch-like defaults: GET, no headers, no body, a 5 s timer. */
function send(url, { method = 'GET', headers = {}, body, timeoutMs = 5000 } = {}) {
  const lines = Object.entries(headers).map(([name, value]) => `${name}:${value}\n`).join('');
  return nodeSend(method, url, lines, body, timeoutMs);
}

const SECRET = 'SECRET_TOKEN_abc123';

// Servers started by the running test; closed after it (afterEach, not
// t.after: these tests also run on Node 16, whose node:test lacks t.after and
// top-level before/after hooks).
const liveServers = new Set();
async function closeLiveServers() {
  const servers = [...liveServers];
  liveServers.clear();
  await Promise.all(servers.map((s) => s.close()));
}
afterEach(closeLiveServers);
beforeEach(closeLiveServers); // Node 16 skips afterEach after a failing test

// A local HTTP server that counts connections and can be shut down hard.
async function startServer(handler, { keepAliveTimeout = 60_000 } = {}) {
  const sockets = new Set();
  let connections = 0;
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket };
      requests.push(entry);
      handler(req, res, entry);
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  let closed = null;
  const handle = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    get openSockets() {
      return sockets.size;
    },
    close() {
      if (!closed) {
        for (const s of sockets) s.destroy();
        closed = new Promise((resolve) => server.close(() => resolve()));
      }
      return closed;
    },
  };
  liveServers.add(handle);
  return handle;
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function assertNoUrl(err, ...needles) {
  const views = [err.message, err.stack, JSON.stringify(err), util.inspect(err, { showHidden: true, depth: 5 }), String(err)];
  for (const needle of [SECRET, 'access_token', ...needles]) {
    for (const v of views) assert.ok(!String(v).includes(needle), `error text leaks ${needle}: ${v}`);
  }
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

test('status and body of a POST; headers as given, content-length computed', async () => {
  const srv = await startServer((req, res, entry) => {
    json(res, 200, { method: entry.method, url: entry.url, body: entry.body, ct: req.headers['content-type'], cl: req.headers['content-length'] });
  });
  const body = JSON.stringify({ path: 'pages/index', query: 'é=1' });
  const [status, text] = await send(`${srv.url}/wxa/generatescheme?access_token=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(status, 200);
  assert.deepEqual(JSON.parse(text), {
    method: 'POST',
    url: `/wxa/generatescheme?access_token=${SECRET}`,
    body,
    ct: 'application/json',
    cl: String(Buffer.byteLength(body)),
  });
});

test('a GET sends no body; non-2xx statuses resolve with their body', async () => {
  const srv = await startServer((req, res) => {
    if (req.url === '/missing') {
      res.writeHead(404, 'Not Found', { 'content-type': 'text/plain' });
      res.end('nope');
    } else if (req.url === '/boom') {
      res.writeHead(502);
      res.end('<html>bad gateway</html>');
    } else {
      res.end('plain');
    }
  });
  assert.deepEqual(await send(`${srv.url}/`), [200, 'plain']);
  assert.equal(srv.requests[0].method, 'GET');
  assert.equal(srv.requests[0].headers['content-length'], undefined);
  assert.deepEqual(await send(`${srv.url}/missing`), [404, 'nope']);
  assert.deepEqual(await send(`${srv.url}/boom`), [502, '<html>bad gateway</html>']);
});

test('a path with characters a URL escapes is sent escaped', async () => {
  const srv = await startServer((req, res) => res.end(req.url));
  assert.deepEqual(await send(`${srv.url}/a b/é?q=x y`), [200, '/a%20b/%C3%A9?q=x%20y']);
});

test('a multi-byte UTF-8 body split across chunks decodes intact', async () => {
  const text = JSON.stringify({ errmsg: '小程序未发布 — ok ✓ 🎉' });
  const bytes = Buffer.from(text, 'utf8');
  const srv = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // split inside multi-byte sequences, with pauses so the chunks arrive apart
    let i = 0;
    const step = () => {
      if (i >= bytes.length) return res.end();
      res.write(bytes.subarray(i, i + 5));
      i += 5;
      setImmediate(step);
    };
    step();
  });
  assert.deepEqual(await send(`${srv.url}/x`), [200, text]);
});

test('sequential requests reuse one keep-alive socket', async () => {
  const srv = await startServer((req, res) => json(res, 200, { errcode: 0 }));
  for (let i = 0; i < 20; i++) {
    const [, text] = await send(`${srv.url}/wxa/generate_urllink?access_token=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.deepEqual(JSON.parse(text), { errcode: 0 });
  }
  assert.equal(srv.requests.length, 20);
  assert.equal(srv.connections, 1, 'all sequential requests went over a single connection');
});

test('concurrent requests open parallel sockets that are kept for reuse', async () => {
  const srv = await startServer((req, res) => setTimeout(() => json(res, 200, { ok: true }), 20));
  const burst = () => Promise.all(Array.from({ length: 8 }, () => send(`${srv.url}/p`)));
  await burst();
  const afterFirst = srv.connections;
  assert.ok(afterFirst > 1 && afterFirst <= 8, `parallel sockets: ${afterFirst}`);
  await burst();
  assert.equal(srv.connections, afterFirst, 'the second burst reused the pooled sockets');
});

test('no answer within timeoutMs: TimeoutError, and the request is closed', async () => {
  let serverSocketClosed;
  const closed = new Promise((r) => (serverSocketClosed = r));
  const srv = await startServer((req) => {
    req.socket.on('close', serverSocketClosed); // never answers
  });
  const err = await rejection(send(`${srv.url}/slow?access_token=${SECRET}`, { method: 'POST', body: '{}', timeoutMs: 60 }));
  assert.equal(err.name, 'TimeoutError');
  assert.equal(err.message, 'no answer within 60 ms');
  assertNoUrl(err);
  await within(closed, 2000, 'the timed-out request was not destroyed');
});

test('a body that never finishes times out too', async () => {
  const srv = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":'); // and never finishes
  });
  const err = await rejection(send(`${srv.url}/stream?access_token=${SECRET}`, { timeoutMs: 80 }));
  assert.equal(err.name, 'TimeoutError');
  assertNoUrl(err);
});

test('a connection reset before the response rejects with the socket error code', async () => {
  const srv = await startServer((req) => req.socket.destroy());
  const err = await rejection(send(`${srv.url}/wxa/genwxashortlink?access_token=${SECRET}`, { method: 'POST', body: '{}' }));
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'ECONNRESET');
  assert.notEqual(err.name, 'TimeoutError');
  assertNoUrl(err, '/wxa/genwxashortlink');
});

test('a connection reset in the middle of the body rejects', async () => {
  const srv = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"half":');
    setTimeout(() => req.socket.destroy(), 20);
  });
  const err = await rejection(send(`${srv.url}/x?access_token=${SECRET}`));
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'ECONNRESET');
  assertNoUrl(err);
});

test('connection refused rejects with ECONNREFUSED and no URL in the message', async () => {
  const srv = await startServer(() => {});
  const { port } = srv;
  await srv.close();
  const err = await rejection(send(`http://127.0.0.1:${port}/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=${SECRET}`));
  assert.equal(err.code, 'ECONNREFUSED');
  assertNoUrl(err, '/cgi-bin/token', 'client_credential');
});

test('an invalid URL or protocol never echoes the URL', async () => {
  const err = await rejection(send(`http//not a url?access_token=${SECRET}`));
  assert.ok(err instanceof Error);
  assertNoUrl(err);
  const err2 = await rejection(send(`ftp://example.invalid/x?access_token=${SECRET}`));
  assert.match(err2.message, /Unsupported protocol ftp:/);
  assertNoUrl(err2);
});

test('a reset on a reused keep-alive socket is reported, never replayed', async () => {
  // The server answers the first request on each connection and kills the
  // connection on the second, after reading it. The transport cannot tell
  // whether the server acted on that request, so it must not send it again:
  // retrying is the client's `retries` policy, which counts attempts.
  const perSocket = new Map();
  const srv = await startServer((req, res, entry) => {
    const n = (perSocket.get(entry.socket) || 0) + 1;
    perSocket.set(entry.socket, n);
    if (n >= 2) return req.socket.destroy();
    json(res, 200, { n: srv.requests.length });
  });
  assert.deepEqual(await send(`${srv.url}/a`), [200, '{"n":1}']);
  const err = await rejection(send(`${srv.url}/b?access_token=${SECRET}`, { method: 'POST', body: '{}' }));
  assert.equal(err.code, 'ECONNRESET');
  assertNoUrl(err);
  assert.equal(srv.requests.length, 2, 'the POST reached the server once');
  assert.equal(srv.connections, 1);
  // The next call gets a new socket.
  assert.deepEqual(await send(`${srv.url}/c`), [200, '{"n":3}']);
  assert.equal(srv.connections, 2);
});

test('idle keep-alive sockets and finished timers do not keep the process alive', async (t) => {
  // The server keeps connections open for a minute and the timer of each
  // request is a minute long; the child must still exit as soon as its own
  // work is done.
  const srv = await startServer((req, res) => json(res, 200, { errcode: 0 }), { keepAliveTimeout: 60_000 });
  const script = `
    const { nodeSend } = require(${JSON.stringify(TRANSPORT)});
    (async () => {
      for (let i = 0; i < 3; i++) {
        const [status] = await nodeSend('POST', process.argv[1] + '/wxa/generatescheme', 'content-type:application/json\\n', '{}', 60000);
        if (status !== 200) throw new Error('status ' + status);
      }
      process.stdout.write('done\\n');
    })().catch((e) => { console.error(e); process.exit(2); });
  `;
  const child = spawn(process.execPath, ['-e', script, srv.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let doneAt = 0;
  child.stdout.on('data', (d) => {
    stdout += d;
    if (!doneAt && stdout.includes('done')) doneAt = Date.now();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(killer);
  const exitedAt = Date.now();
  assert.equal(signal, null, `the child was killed: it hung with an idle socket open (stdout ${stdout}, stderr ${stderr})`);
  assert.equal(code, 0, stderr);
  assert.ok(doneAt > 0, 'the child finished its requests');
  const lag = exitedAt - doneAt;
  t.diagnostic(`child exited ${lag} ms after its last request`);
  assert.ok(lag < 1500, `child took ${lag} ms to exit after its work was done`);
  assert.equal(srv.connections, 1, 'the child reused one keep-alive socket');
});

// ---- the wire: responses as servers may frame them, byte by byte ----

// A server on node:net that answers each request with `reply(socket, request,
// connectionIndex)`, where `request` is the raw request text (head and body).
async function startRawServer(reply) {
  const sockets = new Set();
  let connections = 0;
  const requests = [];
  const server = net.createServer((socket) => {
    const index = connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, end))?.[1] || 0);
        if (pending.length < end + 4 + length) return;
        const request = pending.slice(0, end + 4 + length);
        pending = pending.slice(request.length);
        requests.push(request);
        reply(socket, request, index);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const handle = {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    get connections() {
      return connections;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  liveServers.add(handle);
  return handle;
}

// Writes `bytes` one byte per write, each after the previous is flushed.
async function trickle(socket, text) {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length && !socket.destroyed; i++) {
    socket.write(bytes.subarray(i, i + 1));
    await new Promise((r) => setImmediate(r));
  }
}

const BODY = JSON.stringify({ errcode: 0, errmsg: 'ok', openlink: 'weixin://dl/business/?t=✓' });
const LENGTH = Buffer.byteLength(BODY);

// Random answers, framed every way a server may (Content-Length, chunks of
// random sizes, the close of the connection; interim 1xx first; header names
// in any case), sent in random slices: each must read back exactly.
// TRANSPORT_SEED=<n> reproduces a run.
const SEED = process.env.TRANSPORT_SEED !== undefined ? Number(process.env.TRANSPORT_SEED) >>> 0 : (Date.now() ^ (process.pid << 8)) >>> 0;

function randomAnswer(r) {
  const pieces = ['a', 'Z', '0', ' ', '"', '\\', '\r\n', 'é', '中', '🎉', '{"errcode":0}'];
  const body = Array.from({ length: r.int(r.chance(0.2) ? 5000 : 200) }, () => r.pick(pieces)).join('');
  const bytes = Buffer.from(body, 'utf8');
  const status = r.pick([200, 201, 400, 404, 500, 503]);
  const name = (n) => (r.chance(0.5) ? n : n.toUpperCase());
  const interim = r.chance(0.2) ? `HTTP/1.1 ${r.pick([100, 103])} Info\r\n${name('x-hint')}: 1\r\n\r\n` : '';
  const framing = r.pick(['length', 'chunked', 'close']);
  let head = `${interim}HTTP/1.1 ${status} Whatever\r\n${name('content-type')}: application/json\r\n`;
  let payload;
  if (framing === 'length') {
    head += `${name('content-length')}: ${bytes.length}\r\n`;
    payload = bytes;
  } else if (framing === 'chunked') {
    head += `${name('transfer-encoding')}: chunked\r\n`;
    const parts = [];
    for (let at = 0; at < bytes.length; ) {
      const size = Math.min(bytes.length - at, 1 + r.int(700));
      const hex = r.chance(0.5) ? size.toString(16) : size.toString(16).toUpperCase();
      parts.push(Buffer.from(`${hex}${r.chance(0.2) ? ';ext=1' : ''}\r\n`), bytes.subarray(at, at + size), Buffer.from('\r\n'));
      at += size;
    }
    parts.push(Buffer.from(r.chance(0.3) ? '0\r\nX-Trailer: t\r\n\r\n' : '0\r\n\r\n'));
    payload = Buffer.concat(parts);
  } else {
    head += `${name('connection')}: close\r\n`;
    payload = bytes;
  }
  const wire = Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), payload]);
  const cuts = Array.from({ length: r.int(6) }, () => r.int(wire.length)).sort((a, b) => a - b);
  return { status, body, wire, cuts, close: framing === 'close' };
}

test(`random answers in random slices read back exactly (seed ${SEED})`, async (t) => {
  t.diagnostic(`TRANSPORT_SEED=${SEED} reproduces this run`);
  const r = makeRandom(SEED);
  const answers = [];
  const srv = await startRawServer(async (socket, request) => {
    const { wire, cuts, close } = answers[Number(/^GET \/(\d+) /.exec(request)[1])];
    let at = 0;
    for (const cut of cuts) {
      socket.write(wire.subarray(at, cut));
      at = cut;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (close) socket.end(wire.subarray(at));
    else socket.write(wire.subarray(at));
  });
  for (let i = 0; i < 200; i++) {
    answers.push(randomAnswer(r));
    const { status, body } = answers[i];
    assert.deepEqual(await send(`${srv.url}/${i}`), [status, body], `answer ${i}`);
  }
});

test('a head and body that arrive one byte at a time read whole', async () => {
  const srv = await startRawServer((socket) => trickle(socket, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${LENGTH}\r\n\r\n${BODY}`));
  assert.deepEqual(await send(`${srv.url}/a`), [200, BODY]);
  assert.deepEqual(await send(`${srv.url}/b`), [200, BODY]);
  assert.equal(srv.connections, 1, 'a complete Content-Length answer leaves the socket reusable');
});

test('chunked bodies with extensions and trailers, one byte at a time', async () => {
  const bytes = Buffer.from(BODY, 'utf8');
  const [first, second] = [bytes.subarray(0, 10), bytes.subarray(10)];
  const chunked =
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${first.length.toString(16)};name=value\r\n${first.toString('latin1')}\r\n` +
    `${second.length.toString(16).toUpperCase()}\r\n${second.toString('latin1')}\r\n` +
    `0\r\nX-Trailer: 1\r\n\r\n`;
  const srv = await startRawServer(async (socket) => {
    const raw = Buffer.from(chunked, 'latin1');
    for (let i = 0; i < raw.length; i++) {
      socket.write(raw.subarray(i, i + 1));
      await new Promise((r) => setImmediate(r));
    }
  });
  assert.deepEqual(await send(`${srv.url}/a`), [200, BODY]);
  assert.deepEqual(await send(`${srv.url}/b`), [200, BODY]);
  assert.equal(srv.connections, 1);
});

test('a body delimited by the close of the connection, and Connection: close', async () => {
  const srv = await startRawServer((socket, request) => {
    if (request.startsWith('GET /eof')) socket.end(`HTTP/1.1 200 OK\r\n\r\n${BODY}`);
    else socket.write(`HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: ${LENGTH}\r\n\r\n${BODY}`);
  });
  assert.deepEqual(await send(`${srv.url}/eof`), [200, BODY]);
  assert.deepEqual(await send(`${srv.url}/close`), [201, BODY]);
  assert.deepEqual(await send(`${srv.url}/close`), [201, BODY]);
  assert.equal(srv.connections, 3, 'no socket the server closes is reused');
});

test('interim 1xx answers are skipped; 204 has no body; HTTP/1.0 closes unless kept alive', async () => {
  const srv = await startRawServer((socket, request) => {
    if (request.startsWith('GET /early')) {
      socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: ${LENGTH}\r\n\r\n${BODY}`);
    } else if (request.startsWith('GET /empty')) {
      socket.write('HTTP/1.1 204 No Content\r\n\r\n');
    } else {
      socket.write(`HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}`);
    }
  });
  assert.deepEqual(await send(`${srv.url}/early`), [200, BODY]);
  assert.deepEqual(await send(`${srv.url}/empty`), [204, '']);
  assert.equal(srv.connections, 1);
  assert.deepEqual(await send(`${srv.url}/old`), [200, '{}']);
  assert.deepEqual(await send(`${srv.url}/old`), [200, '{}']);
  assert.equal(srv.connections, 2, 'an HTTP/1.0 answer without keep-alive ends its socket');
});

test("the server's Keep-Alive timeout: a socket it is about to close is not reused", async () => {
  const srv = await startRawServer((socket, request) => {
    const timeout = request.startsWith('GET /short') ? 1 : 5;
    socket.write(`HTTP/1.1 200 OK\r\nKeep-Alive: timeout=${timeout}\r\nContent-Length: 2\r\n\r\n{}`);
  });
  await send(`${srv.url}/short`);
  await send(`${srv.url}/short`);
  assert.equal(srv.connections, 2, 'timeout=1 leaves no time to reuse the socket');
  await send(`${srv.url}/long`);
  await send(`${srv.url}/long`);
  assert.equal(srv.connections, 3, 'timeout=5 does');
});

test('answers that are not HTTP/1.x reject with a code and never the URL', async () => {
  const replies = {
    '/garbage': 'SSH-2.0-OpenSSH\r\n\r\n',
    '/lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    '/header': 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    '/chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    '/huge': `HTTP/1.1 200 OK\r\nX-Big: ${'x'.repeat(20000)}\r\n\r\n`,
  };
  const codes = { '/garbage': 'HPE_INVALID_CONSTANT', '/lengths': 'HPE_INVALID_CONTENT_LENGTH', '/header': 'HPE_INVALID_HEADER_TOKEN', '/chunk': 'HPE_INVALID_CHUNK_SIZE', '/huge': 'HPE_HEADER_OVERFLOW' };
  const srv = await startRawServer((socket, request) => socket.write(replies[request.slice(4, request.indexOf('?'))]));
  for (const [route, code] of Object.entries(codes)) {
    const err = await rejection(send(`${srv.url}${route}?access_token=${SECRET}`));
    assert.equal(err.code, code, route);
    assert.notEqual(err.name, 'TimeoutError');
    assertNoUrl(err, route);
  }
  assert.equal(srv.connections, Object.keys(codes).length, 'a socket that sent a bad answer is closed');
});

test('a header value with a line break is refused before anything is sent', async () => {
  const srv = await startRawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  const err = await rejection(send(`${srv.url}/x?access_token=${SECRET}`, { headers: { 'access-token': `${SECRET}\rX-Evil: 1` } }));
  assert.equal(err.code, 'ERR_INVALID_CHAR');
  assertNoUrl(err);
  assert.equal(srv.connections, 0);
});

// Writes `head`, then `piece` again and again (`bytes` at most) for as long
// as the client reads and keeps the connection.
async function pour(socket, head, piece, bytes = 8 * 1024 * 1024) {
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(head);
  for (let sent = 0; sent < bytes && !socket.destroyed; sent += piece.length) {
    if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
}

// The server's side of each connection has closed: `closedAt[i]` settles for connection i.
function trackCloses(closedAt, socket, index) {
  closedAt[index] ??= new Promise((resolve) => socket.once('close', resolve));
}

test('an answer over 4 MB is refused, however it is framed, and its socket closed', async () => {
  const closedAt = [];
  const ok = 'HTTP/1.1 200 OK\r\n';
  const answers = {
    '/length': [`${ok}Content-Length: 1000000000\r\n\r\n`, 'x'.repeat(65536)],
    '/close': [`${ok}Connection: close\r\n\r\n`, 'x'.repeat(65536)],
    '/chunked': [`${ok}Transfer-Encoding: chunked\r\n\r\n`, `10000\r\n${'x'.repeat(65536)}\r\n`],
    // A few bytes of body, but an endless answer: the whole answer counts.
    '/extensions': [`${ok}Transfer-Encoding: chunked\r\n\r\n`, `1;${'e'.repeat(1000)}\r\nx\r\n`],
  };
  const srv = await startRawServer((socket, request, index) => {
    trackCloses(closedAt, socket, index);
    pour(socket, ...answers[request.slice(4, request.indexOf('?'))]);
  });
  for (const route of Object.keys(answers)) {
    const err = await rejection(send(`${srv.url}${route}?access_token=${SECRET}`));
    assert.equal(err.code, 'ERR_ANSWER_TOO_LARGE', route);
    assert.equal(err.message, 'the answer exceeded 4 MB');
    assert.equal(err.status, 200);
    assertNoUrl(err, route);
  }
  await within(Promise.all(closedAt), 5000, 'a socket that sent too much was not closed');
  assert.equal(srv.connections, Object.keys(answers).length);
});

test('through a client, an answer over 4 MB is an HTTP_ERROR with its status, not a network error', async () => {
  const srv = await startRawServer((socket) => pour(socket, 'HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n', 'x'.repeat(65536)));
  const wx = new WeChatClient({ accessToken: SECRET, baseUrl: srv.url, retries: 2 });
  const err = await rejection(wx.urlscheme.generate());
  assert.equal(err.code, 'HTTP_ERROR');
  assert.equal(err.status, 200);
  assert.match(err.message, /the answer exceeded 4 MB/);
  assert.equal(err.retryable, false);
  assert.equal(srv.requests.length, 1, 'not retried');
  assert.ok(!JSON.stringify(err).includes(SECRET) && !err.stack.includes(SECRET));
});

test('through the fetch option too, an answer over 4 MB is refused (HTTP_ERROR with its status), read no further', { skip: typeof fetch !== 'function' && 'no global fetch' }, async () => {
  const srv = await startRawServer((socket) => pour(socket, 'HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n', 'x'.repeat(65536)));
  const wx = new WeChatClient({ accessToken: SECRET, baseUrl: srv.url, fetch: globalThis.fetch, retries: 2 });
  const err = await rejection(wx.urlscheme.generate());
  assert.equal(err.code, 'HTTP_ERROR');
  assert.equal(err.status, 200);
  assert.match(err.message, /the answer exceeded 4 MB/);
  assert.equal(srv.requests.length, 1, 'not retried');
  assert.ok(!JSON.stringify(err).includes(SECRET) && !err.stack.includes(SECRET));
});

test('endless interim answers and trailers overflow their 16 KB like a head; trailers have 16 KB of their own', async () => {
  const hint = 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n';
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n';
  const big = (name) => `${name}: ${'y'.repeat(10_000)}\r\n`;
  const answers = {
    '/continue': ['', 'HTTP/1.1 100 Continue\r\n\r\n'.repeat(100)],
    '/hints': ['', hint.repeat(100)],
    // Interim heads count toward the head that follows them.
    '/hints-then-big-head': [hint.repeat(200), `HTTP/1.1 200 OK\r\n${big('X-Big')}Content-Length: 2\r\n\r\n{}`, 1],
    '/trailers': [chunked, 'X-Trailer: 1\r\n'.repeat(100)],
    '/one-endless-trailer': [`${chunked}X-Trailer: `, 'y'.repeat(1000)],
  };
  const closedAt = [];
  const srv = await startRawServer((socket, request, index) => {
    trackCloses(closedAt, socket, index);
    if (request.startsWith('GET /fits')) socket.write(`HTTP/1.1 200 OK\r\n${big('X-Big')}Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n${big('X-Trailer')}\r\n`);
    else pour(socket, ...answers[request.slice(4, request.indexOf(' ', 4))]);
  });
  for (const route of Object.keys(answers)) {
    const err = await rejection(send(`${srv.url}${route}`));
    assert.equal(err.code, 'HPE_HEADER_OVERFLOW', route);
  }
  await within(Promise.all(closedAt), 5000, 'a socket that overflowed was not closed');
  assert.deepEqual(await send(`${srv.url}/fits`), [200, '{}'], 'a 10 KB head and 10 KB of trailers');
});

// Each answer as node:http on Node 20 refuses it (llhttp's code; checked by
// sending the same bytes to http.get).
test('answers llhttp refuses are refused with its code, and their sockets closed', async () => {
  const ok = 'HTTP/1.1 200 OK\r\n';
  const chunked = `${ok}Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n`;
  const cases = [
    ['a space before the colon', `${ok}X-A : 1\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a tab before the colon', `${ok}X-A\t: 1\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a space before the colon of Content-Length', `${ok}Content-Length : 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a folded line (obs-fold)', `${ok}X-A: 1\r\n more\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a line folded with a tab', `${ok}X-A: 1\r\n\tmore\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a first header line starting with a space', `${ok} X-A: 1\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_UNEXPECTED_SPACE'],
    ['a bare CR in a value', `${ok}X-A: 1\rX-B: 2\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_LF_EXPECTED'],
    ['a bare LF in a value', `${ok}X-A: 1\nContent-Length: 2\r\n\r\n{}`, 'HPE_CR_EXPECTED'],
    ['LF line endings (no CR anywhere)', 'HTTP/1.1 200 OK\nContent-Length: 2\n\n{}', 'HPE_CR_EXPECTED'],
    ['a head ended by CRLF LF', `${ok}Content-Length: 2\r\n\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a NUL in a value', `${ok}X-A: 1\x002\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a control character in a value', `${ok}X-A: 1\x7f2\r\nContent-Length: 2\r\n\r\n{}`, 'HPE_INVALID_HEADER_TOKEN'],
    ['Transfer-Encoding, then Content-Length', `${ok}Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, 'HPE_INVALID_CONTENT_LENGTH'],
    ['Content-Length, then Transfer-Encoding', `${ok}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, 'HPE_INVALID_TRANSFER_ENCODING'],
    ['a trailer with a space before the colon', `${chunked}X-T : 1\r\n\r\n`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a folded trailer', `${chunked}X-T: 1\r\n more\r\n\r\n`, 'HPE_INVALID_HEADER_TOKEN'],
    ['a bare CR in a trailer', `${chunked}X-T: 1\r2\r\n\r\n`, 'HPE_LF_EXPECTED'],
    ['a NUL in a trailer', `${chunked}X-T: 1\x002\r\n\r\n`, 'HPE_INVALID_HEADER_TOKEN'],
  ];
  const closedAt = [];
  const srv = await startRawServer((socket, request, index) => {
    trackCloses(closedAt, socket, index);
    const route = request.slice(5, request.indexOf(' ', 5));
    socket.write(route === 'latin1' ? `${ok}X-A: caf\xe9\r\nContent-Length: 2\r\n\r\n{}` : cases[route][1], 'latin1');
  });
  for (const [i, [what, , code]] of cases.entries()) {
    const err = await rejection(send(`${srv.url}/${i}`));
    assert.equal(err.code, code, what);
  }
  await within(Promise.all(closedAt), 5000, 'a socket that sent a malformed answer was not closed');
  assert.equal(srv.connections, cases.length, 'no socket that sent a malformed answer was reused');
  assert.deepEqual(await send(`${srv.url}/latin1`), [200, '{}'], 'obs-text (bytes 0x80-0xff) in a value is allowed');
});

test('a method that is not a token, or a header the transport writes itself, is refused before anything is sent', async () => {
  const srv = await startRawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  const err = await rejection(send(`${srv.url}/x?access_token=${SECRET}`, { method: 'GET /x HTTP/1.1\r\nX:' }));
  assert.equal(err.code, 'ERR_INVALID_HTTP_TOKEN');
  assertNoUrl(err);
  for (const name of ['Host', 'content-length', 'Transfer-Encoding', 'CONNECTION']) {
    const refused = await rejection(send(`${srv.url}/x?access_token=${SECRET}`, { method: 'POST', body: '{}', headers: { [name]: '5' } }));
    assert.equal(refused.code, 'ERR_INVALID_ARG_VALUE', name);
    assertNoUrl(refused);
  }
  assert.equal(srv.connections, 0);
});

test('the path on the wire: no fragment, and a "/" before a query when the URL has no path', async () => {
  const srv = await startServer((req, res) => res.end(req.url));
  assert.deepEqual(await send(`${srv.url}/a?b=1#frag`), [200, '/a?b=1']);
  assert.deepEqual(await send(`${srv.url}/a#frag?b=1`), [200, '/a']);
  assert.deepEqual(await send(`${srv.url}#frag`), [200, '/']);
  assert.deepEqual(await send(`${srv.url}?x=1`), [200, '/?x=1']);
  assert.deepEqual(await send(`${srv.url}?next=/a/b#/c`), [200, '/?next=/a/b']);
  assert.deepEqual(await send(`${srv.url}/é?q=x y#f g`), [200, '/%C3%A9?q=x%20y']);
  assert.equal(srv.connections, 1);
});

test('the answer to a HEAD has no body whatever its head says; the socket stays reusable', async () => {
  const srv = await startRawServer((socket, request) => {
    if (request.startsWith('HEAD /length')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
    else if (request.startsWith('HEAD /chunked')) socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    else if (request.startsWith('HEAD /none')) socket.write('HTTP/1.1 200 OK\r\n\r\n');
    else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${LENGTH}\r\n\r\n${BODY}`);
  });
  for (const route of ['/length', '/chunked', '/none']) {
    assert.deepEqual(await send(`${srv.url}${route}`, { method: 'HEAD' }), [200, ''], route);
  }
  assert.deepEqual(await send(`${srv.url}/get`), [200, BODY]);
  assert.equal(srv.connections, 1);
});

test('an idle socket is closed before a server that gives no Keep-Alive hint closes it (uvicorn: 5 s)', async () => {
  let first;
  const closer = new Promise((resolve) => (first = resolve));
  const srv = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    // As uvicorn and hypercorn do; whichever side closes first.
    const timer = setTimeout(() => first('server'), 5000);
    socket.on('end', () => {
      clearTimeout(timer);
      first('client');
    });
  });
  assert.deepEqual(await send(`${srv.url}/a`), [200, '{}']);
  assert.equal(await closer, 'client');
});

test('a UTF-8 byte order mark is dropped, as fetch drops it', async () => {
  const bom = '\ufeff';
  const bodies = { '/json': `${bom}{"errcode":0}`, '/inside': `{"a":"${bom}"}`, '/only': bom };
  const srv = await startRawServer((socket, request) => {
    const route = request.slice(4, request.indexOf(' ', 4));
    if (route === '/split') {
      // The mark split across two chunks.
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\xef\r\n3\r\n\xbb\xbf{\r\n1\r\n}\r\n0\r\n\r\n', 'latin1');
      return;
    }
    const bytes = Buffer.from(bodies[route], 'utf8');
    socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]));
  });
  const expected = { '/json': '{"errcode":0}', '/inside': `{"a":"${bom}"}`, '/only': '', '/split': '{}' };
  const viaFetch = typeof globalThis.fetch === 'function' ? fetchSend(globalThis.fetch) : null; // Node 16 has no fetch
  for (const [route, text] of Object.entries(expected)) {
    assert.deepEqual(await send(`${srv.url}${route}`), [200, text], route);
    if (viaFetch) assert.deepEqual(await viaFetch('GET', `${srv.url}${route}`, '', undefined, 5000), [200, text], `fetch ${route}`);
  }
});

test('bytes an idle socket receives close it; the next request gets a fresh one', async () => {
  const srv = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'), 20); // unasked for
  });
  assert.deepEqual(await send(`${srv.url}/a`), [200, '{}']);
  await delay(100);
  assert.deepEqual(await send(`${srv.url}/b`), [200, '{}']);
  assert.equal(srv.connections, 2);
});

test('more concurrent requests than sockets per origin wait for a free one', async () => {
  let open = 0;
  let most = 0;
  const srv = await startRawServer((socket) => {
    if (!socket.counted) {
      socket.counted = true;
      most = Math.max(most, ++open);
      socket.on('close', () => open--);
    }
    setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'), 5);
  });
  const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => send(`${srv.url}/n${i}`)));
  assert.ok(answers.every(([status, text]) => status === 200 && text === '{}'));
  assert.equal(srv.requests.length, 300);
  assert.ok(most <= 128, `at most 128 sockets at once, saw ${most}`);
});

test('https: verified against the CAs Node trusts, the session resumed on a new connection; an untrusted server is refused', async () => {
  const tlsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'tls');
  const [cert, key] = ['cert.pem', 'key.pem'].map((f) => fs.readFileSync(path.join(tlsDir, f)));
  let connections = 0;
  const resumed = [];
  const server = https.createServer({ cert, key }, (req, res) => {
    resumed.push(req.socket.isSessionReused());
    res.setHeader('content-type', 'application/json');
    if (req.url === '/close') res.setHeader('connection', 'close');
    res.end(JSON.stringify({ host: req.headers.host, url: req.url }));
  });
  server.on('secureConnection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  liveServers.add({ close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }) });
  const url = `https://127.0.0.1:${server.address().port}`;
  // NODE_EXTRA_CA_CERTS is read at start-up: a child process trusts the test certificate.
  const script = `
    const { nodeSend } = require(${JSON.stringify(TRANSPORT)});
    (async () => {
      const out = [];
      for (const route of ['/wxa/x?access_token=${SECRET}', '/close', '/wxa/x?access_token=${SECRET}']) {
        out.push(await nodeSend('GET', process.argv[1] + route, '', undefined, 5000));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { process.stdout.write(JSON.stringify({ code: e.code, message: e.message })); });
  `;
  const run = async (env) => {
    const child = spawn(process.execPath, ['-e', script, url], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await within(once(child, 'exit'), 10_000, 'the https child did not finish');
    return JSON.parse(out);
  };
  const trusted = await run({ NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'cert.pem') });
  const answer = (url) => [200, JSON.stringify({ host: `127.0.0.1:${server.address().port}`, url })];
  assert.deepEqual(trusted, [answer(`/wxa/x?access_token=${SECRET}`), answer('/close'), answer(`/wxa/x?access_token=${SECRET}`)]);
  assert.equal(connections, 2, 'the socket is kept alive until the server says close');
  assert.deepEqual(resumed, [false, false, true], 'the second connection resumes the first TLS session');
  const untrusted = await run({ NODE_EXTRA_CA_CERTS: '' });
  assert.match(untrusted.code, /CERT|SELF_SIGNED/);
  assert.ok(!untrusted.message.includes(SECRET) && !untrusted.message.includes('access_token'), untrusted.message);
});
