'use strict';
// How the core's requests reach the network. The core hands over one attempt
// as `send(method, url, headerLines, body, timeoutMs)` (headers as
// `name:value` lines) and awaits `[status, bodyText]`, or a rejection: a
// TimeoutError when the timer fired, else the network error.
//
//   nodeSend       HTTP/1.1 with keep-alive over node:net / node:tls, the
//                  default on Node. Not over node:http: on the benchmark's
//                  machine a call through node:http's client costs 33 µs of
//                  CPU (39 over TLS), one write and one read on a pooled
//                  socket 15 (17), on the same system calls (benches/,
//                  README "Benchmarks"). The platforms' APIs need little of
//                  HTTP: one request, one answer framed by a length, chunks
//                  or a close, and TLS verified against Node's CAs.
//   fetchSend(f)   any WHATWG fetch: the `fetch` option, or the global fetch
//                  outside Node.
//
// Neither replays a request: retrying is the core's `retries` policy, which
// counts every attempt. Error messages never contain the URL: request URLs
// carry `access_token=`.

// Idle sockets are closed after this long, or sooner if the server's
// `Keep-Alive: timeout=N` says so. Idle sockets never hold the process open:
// a socket is unref()'d while it waits in the pool.
const FREE_SOCKET_TIMEOUT_MS = 15000;
// Sockets per origin at once (more requests wait for one) and kept idle.
const MAX_SOCKETS = 128;
const MAX_FREE_SOCKETS = 32;
// node:http's default limit on a response head.
const MAX_HEAD_BYTES = 16384;
const MAX_CHUNK_LINE_BYTES = 1024;
// Origins seen, parsed once each (a client talks to one or two).
const MAX_ORIGINS = 32;

let net = null; // loaded on the first request: node:net and node:tls cost milliseconds of cold start
let tls = null;
const origins = new Map();

function timeoutError(ms) {
  const err = new Error(`no answer within ${ms} ms`);
  err.name = 'TimeoutError';
  return err;
}

function codedError(code, message, Type = Error) {
  const err = new Type(message);
  err.code = code;
  return err;
}

// A fresh Error built from a network error, minus anything URL-shaped.
function networkError(cause, url) {
  let message = typeof cause?.message === 'string' && cause.message ? cause.message : 'request failed';
  const q = url.indexOf('?');
  if (message.includes(url)) message = message.split(url).join('<url>');
  if (q >= 0 && message.includes(url.slice(q))) message = message.split(url.slice(q)).join('');
  const err = new Error(message);
  for (const key of ['code', 'errno', 'syscall']) {
    if (cause && cause[key] !== undefined) err[key] = cause[key];
  }
  return err;
}

// The pool of one origin: idle sockets (the most recent first out) and the
// requests waiting for a socket.
function originOf(text) {
  let known = origins.get(text);
  if (known) return known;
  let parsed;
  try {
    parsed = new URL(text);
  } catch {
    // Node's own ERR_INVALID_URL carries the whole input: never passed on.
    throw codedError('ERR_INVALID_URL', 'Invalid URL', TypeError);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw codedError('ERR_INVALID_PROTOCOL', `Unsupported protocol ${parsed.protocol}`, TypeError);
  }
  if (!net) {
    net = require('node:net');
    tls = require('node:tls');
  }
  const secure = parsed.protocol === 'https:';
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  known = {
    secure,
    hostname,
    port: Number(parsed.port) || (secure ? 443 : 80),
    host: parsed.host, // the Host header: with the port unless it is the default
    free: [],
    busy: 0,
    waiting: [],
    session: undefined, // the last TLS session, to resume on the next connection
  };
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(text, known);
  return known;
}

function connect(origin) {
  let socket;
  if (origin.secure) {
    socket = tls.connect({
      host: origin.hostname,
      port: origin.port,
      servername: net.isIP(origin.hostname) ? undefined : origin.hostname,
      ALPNProtocols: ['http/1.1'],
      session: origin.session,
    });
    socket.on('session', (session) => {
      origin.session = session;
    });
  } else {
    socket = net.connect(origin.port, origin.hostname);
  }
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 1000);
  // One exchange at a time: the socket's events go to it, or close an idle socket.
  socket.exchange = null;
  socket.on('data', (chunk) => (socket.exchange ? socket.exchange.data(chunk) : socket.destroy()));
  socket.on('end', () => socket.exchange && socket.exchange.end());
  socket.on('error', (err) => socket.exchange && socket.exchange.fail(err));
  socket.on('close', () => {
    if (socket.exchange) socket.exchange.end();
    const at = origin.free.indexOf(socket);
    if (at >= 0) origin.free.splice(at, 1);
  });
  socket.on('timeout', () => socket.destroy()); // only set while idle
  return socket;
}

// Calls `start(socket)` with an idle or new socket of `origin`, now or once
// one is free (`fail(error)` if none can be had); returns how to give up waiting.
function withSocket(origin, start, fail) {
  const take = () => {
    origin.busy += 1;
    let socket = origin.free.pop();
    while (socket && socket.destroyed) socket = origin.free.pop();
    if (socket) {
      socket.setTimeout(0);
      socket.ref();
      return start(socket);
    }
    try {
      socket = connect(origin);
    } catch (e) {
      origin.busy -= 1;
      return fail(e);
    }
    start(socket);
  };
  if (origin.busy < MAX_SOCKETS) {
    take();
    return () => {};
  }
  origin.waiting.push(take);
  return () => {
    const at = origin.waiting.indexOf(take);
    if (at >= 0) origin.waiting.splice(at, 1);
  };
}

// The socket is done with its exchange: back to the pool (`idleMs` > 0), or closed.
function release(origin, socket, idleMs) {
  socket.exchange = null;
  origin.busy -= 1;
  if (idleMs > 0 && !socket.destroyed && origin.free.length < MAX_FREE_SOCKETS) {
    socket.setTimeout(idleMs);
    socket.unref();
    origin.free.push(socket);
  } else {
    socket.destroy();
  }
  const next = origin.waiting.shift();
  if (next) next();
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

// The request head: the request line, Host, the core's headers, the length.
// A header value may come from the options (a token): one with a CR or LF
// would split the request, so anything but printable ASCII is refused, as
// node:http refuses it.
function requestHead(method, path, host, headerLines, body) {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const line of headerLines.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const [name, value] = [line.slice(0, colon), line.slice(colon + 1)];
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) throw codedError('ERR_INVALID_CHAR', `Invalid character in header "${name}"`);
    head += `${name}: ${value}\r\n`;
  }
  if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return `${head}\r\n`;
}

// The path to send: as given unless it holds characters a URL escapes.
function pathOf(url, slash) {
  const path = slash < 0 ? '/' : url.slice(slash);
  if (!/[^\x21-\x7e]/.test(path)) return path;
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

// One response, read from the bytes as they come: `done(status, body, idleMs)`
// once it is complete (`idleMs` 0: the socket may not be reused).
class ResponseReader {
  constructor(done) {
    this.done = done;
    this.pending = null; // bytes not yet consumed
    this.status = 0;
    this.length = -1; // Content-Length, or -1
    this.chunked = false;
    this.untilClose = false;
    this.idleMs = 0;
    this.inHead = true;
    this.chunkLeft = -1; // bytes left in the current chunk; -1: a size line is next
    this.inTrailers = false;
    this.body = [];
    this.bodyBytes = 0;
  }

  // Reads `chunk`; throws on a response that is not HTTP/1.x. Bytes after
  // the response are dropped: nothing else was asked for on this socket.
  data(chunk) {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (buf && this.inHead) buf = this.head(buf);
    if (!buf) return;
    if (this.chunked) {
      const rest = this.chunks(buf);
      if (this.done && rest.length) this.pending = rest;
    } else {
      this.take(this.length >= 0 ? buf.subarray(0, this.length - this.bodyBytes) : buf);
      if (this.bodyBytes === this.length) this.finish();
    }
  }

  // The connection ended: the end of a close-delimited body, else too early.
  end() {
    if (this.untilClose && !this.inHead) return this.finish();
    throw codedError('ECONNRESET', 'socket closed before the response was complete');
  }

  // Parses a head from `buf`; the bytes after it, or null until it is whole.
  head(buf) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HEAD_BYTES) throw codedError('HPE_HEADER_OVERFLOW', 'the response head is too large');
      this.pending = buf;
      return null;
    }
    if (end > MAX_HEAD_BYTES) throw codedError('HPE_HEADER_OVERFLOW', 'the response head is too large');
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
    if (!statusLine) throw codedError('HPE_INVALID_CONSTANT', 'the response is not HTTP/1.x');
    const status = Number(statusLine[2]);
    const rest = buf.subarray(end + 4);
    // Interim answers (100 Continue, 103 Early Hints) precede the real one.
    if (status >= 100 && status < 200 && status !== 101) return rest;
    const fields = Object.create(null);
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) throw codedError('HPE_INVALID_HEADER_TOKEN', 'a response header is malformed');
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim();
      fields[name] = name in fields ? `${fields[name]}, ${value}` : value;
    }
    this.status = status;
    this.inHead = false;
    this.idleMs = keepAliveMs(statusLine[1], fields);
    if (status === 204 || status === 304) {
      this.length = 0;
    } else if (fields['transfer-encoding'] !== undefined) {
      this.chunked = /(?:^|,)\s*chunked\s*$/i.test(fields['transfer-encoding']);
      this.untilClose = !this.chunked;
      // Both framings at once: read the chunks, then never trust this socket again.
      if (fields['content-length'] !== undefined) this.idleMs = 0;
    } else if (fields['content-length'] !== undefined) {
      const lengths = new Set(fields['content-length'].split(',').map((v) => v.trim()));
      const [length] = lengths;
      if (lengths.size !== 1 || !/^\d{1,15}$/.test(length)) throw codedError('HPE_INVALID_CONTENT_LENGTH', 'the response has an invalid Content-Length');
      this.length = Number(length);
    } else {
      this.untilClose = true;
    }
    if (this.untilClose) this.idleMs = 0;
    return rest;
  }

  // Decodes chunked bytes from `buf`; the bytes not yet usable.
  chunks(buf) {
    while (buf.length) {
      if (this.chunkLeft > 0) {
        const part = buf.subarray(0, this.chunkLeft);
        this.take(part);
        this.chunkLeft -= part.length;
        buf = buf.subarray(part.length);
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > MAX_CHUNK_LINE_BYTES) throw codedError('HPE_INVALID_CHUNK_SIZE', 'a chunk size line is too long');
        return buf;
      }
      const line = buf.toString('latin1', 0, eol);
      buf = buf.subarray(eol + 2);
      if (this.inTrailers) {
        // Trailer fields, unused, up to an empty line.
        if (line === '') {
          this.finish();
          return buf;
        }
      } else if (this.chunkLeft === 0) {
        // The CRLF after a chunk's data.
        if (line !== '') throw codedError('HPE_INVALID_CHUNK_SIZE', 'a chunk does not end where its size says');
        this.chunkLeft = -1;
      } else {
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
        if (!size) throw codedError('HPE_INVALID_CHUNK_SIZE', 'a chunk size is malformed');
        this.chunkLeft = parseInt(size[1], 16);
        if (this.chunkLeft === 0) this.inTrailers = true;
      }
    }
    return buf;
  }

  take(part) {
    if (!part.length) return;
    this.body.push(part);
    this.bodyBytes += part.length;
  }

  finish() {
    const done = this.done;
    this.done = null;
    if (done) done(this.status, Buffer.concat(this.body, this.bodyBytes).toString('utf8'), this.idleMs);
  }
}

// How long the socket may wait idle for reuse after this response: 0 if the
// server closes it; less than the server's own `Keep-Alive: timeout=N`, so
// that a request never goes out on a socket the server is closing.
function keepAliveMs(minor, fields) {
  const connection = (fields.connection || '').toLowerCase();
  if (/(?:^|,)\s*close\s*(?:,|$)/.test(connection)) return 0;
  if (minor === '0' && !/(?:^|,)\s*keep-alive\s*(?:,|$)/.test(connection)) return 0;
  const hint = /(?:^|,)\s*timeout\s*=\s*(\d+)/i.exec(fields['keep-alive'] || '');
  return hint ? Math.min(FREE_SOCKET_TIMEOUT_MS, Number(hint[1]) * 1000 - 1000) : FREE_SOCKET_TIMEOUT_MS;
}

function nodeSend(method, url, headerLines, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket = null;
    let origin = null;
    let stopWaiting = () => {};
    const finish = (err, answer, idleMs) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWaiting();
      if (socket) release(origin, socket, err ? 0 : idleMs);
      if (err) reject(err);
      else resolve(answer);
    };
    const failed = (e) => finish(networkError(e, url));
    const timer = setTimeout(() => finish(timeoutError(timeoutMs)), timeoutMs);
    try {
      const slash = url.indexOf('/', url.indexOf('//') + 2);
      origin = originOf(slash < 0 ? url : url.slice(0, slash));
      const request = requestHead(method, pathOf(url, slash), origin.host, headerLines, body ?? undefined) + (body ?? '');
      stopWaiting = withSocket(
        origin,
        (taken) => {
          socket = taken;
          const reader = new ResponseReader((status, text, idleMs) => finish(null, [status, text], idleMs));
          // A malformed answer throws out of the reader: that fails this request.
          const guarded = (read) => (arg) => {
            try {
              read(arg);
            } catch (e) {
              failed(e);
            }
          };
          socket.exchange = { data: guarded((chunk) => reader.data(chunk)), end: guarded(() => reader.end()), fail: failed };
          socket.write(request);
        },
        failed
      );
    } catch (e) {
      // An invalid URL or header value, thrown synchronously.
      failed(e);
    }
  });
}

function fetchSend(fetchImpl) {
  return function send(method, url, headerLines, body, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const init = { method, headers: headersFromLines(headerLines), body, signal: controller.signal };
    const attempt = new Promise((resolve) => resolve(fetchImpl(url, init))).then((response) => response.text().then((text) => [response.status, text]));
    // A fetch that ignores the signal (or a body that never ends) still times out.
    const expired = new Promise((_, reject) => controller.signal.addEventListener('abort', () => reject(timeoutError(timeoutMs))));
    return Promise.race([attempt, expired]).then(
      (answer) => {
        clearTimeout(timer);
        return answer;
      },
      (err) => {
        clearTimeout(timer);
        throw controller.signal.aborted ? timeoutError(timeoutMs) : err;
      }
    );
  };
}

function headersFromLines(lines) {
  const headers = {};
  for (const line of lines.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return headers;
}

module.exports = { nodeSend, fetchSend };
