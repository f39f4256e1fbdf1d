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

// Idle sockets are closed after IDLE_MS, before servers that give no
// `Keep-Alive: timeout=N` hint close theirs (uvicorn and hypercorn: 5 s); with
// one, a second before N, up to MAX_IDLE_MS. Idle sockets never hold the
// process open: a socket is unref()'d while it waits in the pool.
const IDLE_MS = 4000;
const MAX_IDLE_MS = 15000;
// Sockets per origin at once (more requests wait for one) and kept idle.
const MAX_SOCKETS = 128;
const MAX_FREE_SOCKETS = 32;
// node:http's default limit on a response head, interim answers included;
// the trailers have a limit of their own, the same.
const MAX_HEAD_BYTES = 16384;
const MAX_CHUNK_LINE_BYTES = 1024;
// The whole answer as it comes off the wire: the platforms' answers are a few KB.
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
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
  for (const key of ['code', 'errno', 'syscall', 'status']) {
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
// Headers only the transport writes: a second Content-Length or Host from the
// caller would make the next answer on a kept-alive socket misread.
const OWN_HEADER = /^(?:host|content-length|transfer-encoding|connection)$/i;

// The request head: the request line, Host, the core's headers, the length.
// A header value may come from the options (a token): one with a CR or LF
// would split the request, so anything but printable ASCII is refused, as
// node:http refuses it; so is a method that is not a token.
function requestHead(method, path, host, headerLines, body) {
  if (!TOKEN.test(method)) throw codedError('ERR_INVALID_HTTP_TOKEN', 'the method must be an HTTP token', TypeError);
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const line of headerLines.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const [name, value] = [line.slice(0, colon), line.slice(colon + 1)];
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) throw codedError('ERR_INVALID_CHAR', `Invalid character in header "${name}"`);
    if (OWN_HEADER.test(name)) throw codedError('ERR_INVALID_ARG_VALUE', `the header "${name}" is the transport's own`, TypeError);
    head += `${name}: ${value}\r\n`;
  }
  if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return `${head}\r\n`;
}

// A URL's scheme and authority: up to the first '/', '?' or '#' after the '//'.
const ORIGIN = /^[^/?#]*(?:\/\/[^/?#]*)?/;

// The path to send, from `from` (the end of the origin): without the fragment
// (never sent), with a leading '/' (`http://h?q` asks for `/?q`), as given
// unless it holds characters a URL escapes.
function pathOf(url, from) {
  const hash = url.indexOf('#', from);
  let path = hash < 0 ? url.slice(from) : url.slice(from, hash);
  if (path[0] !== '/') path = `/${path}`;
  if (!/[^\x21-\x7e]/.test(path)) return path;
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

// A response header or trailer line as llhttp takes it: a token, a colon,
// then tabs, printable ASCII and obs-text (0x80-0xff).
const FIELD_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
// A line ended by a bare LF is refused at once, as llhttp refuses it, rather
// than waited on for a "\r\n\r\n" that never comes (until the timeout).
function refuseBareLf(buf, limit) {
  for (let lf = buf.indexOf(10); lf !== -1 && lf < limit; lf = buf.indexOf(10, lf + 1)) {
    if (buf[lf - 1] === 13) continue;
    // After a CRLF it starts an empty "line" that is no header; else a CR is missing.
    throw codedError(buf[lf - 1] === 10 ? 'HPE_INVALID_HEADER_TOKEN' : 'HPE_CR_EXPECTED', 'a response header is malformed');
  }
}

// The headers read: those that frame the answer or say how long the socket lives.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

// Where the colon of a header or trailer line is; throws, with node:http's
// code, on a line llhttp refuses.
function colonOf(line) {
  if (FIELD_LINE.test(line)) return line.indexOf(':');
  // A name that is not a token (a space before the colon, a folded line) is an
  // invalid token; in the value, llhttp names a bare CR or LF.
  const colon = line.indexOf(':');
  const bad = colon > 0 && TOKEN.test(line.slice(0, colon)) ? /[^\t\x20-\x7e\x80-\xff]/.exec(line.slice(colon))[0] : '';
  throw codedError(bad === '\r' ? 'HPE_LF_EXPECTED' : bad === '\n' ? 'HPE_CR_EXPECTED' : 'HPE_INVALID_HEADER_TOKEN', 'a response header is malformed');
}

// One response, read from the bytes as they come: `done(status, body, idleMs)`
// once it is complete (`idleMs` 0: the socket may not be reused). `bodiless`:
// the answer to a HEAD, which has none whatever its head says.
class ResponseReader {
  constructor(done, bodiless) {
    this.done = done;
    this.bodiless = bodiless;
    this.received = 0; // bytes off the wire
    this.fieldBytes = 0; // bytes of the heads read so far, then of the trailers
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

  // Reads `chunk`; throws on a response that is not HTTP/1.x, or that is
  // larger than MAX_ANSWER_BYTES (the error carries its `status`). Bytes after
  // the response are dropped: nothing else was asked for on this socket.
  data(chunk) {
    this.received += chunk.length;
    if (this.received > MAX_ANSWER_BYTES) {
      throw Object.assign(codedError('ERR_ANSWER_TOO_LARGE', 'the answer exceeded 4 MB'), { status: this.status });
    }
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
    this.roomFor(end < 0 ? buf.length : end);
    refuseBareLf(buf, end < 0 ? buf.length : end);
    if (end < 0) {
      this.pending = buf;
      return null;
    }
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const statusLine = STATUS_LINE.exec(lines[0]);
    if (!statusLine) throw codedError('HPE_INVALID_CONSTANT', 'the response is not HTTP/1.x');
    // llhttp's code for a fold on the first header line (on the others, colonOf's).
    if (lines.length > 1 && /^[ \t]/.test(lines[1])) throw codedError('HPE_UNEXPECTED_SPACE', 'a response header is malformed');
    const fields = Object.create(null);
    for (let i = 1; i < lines.length; i++) {
      const colon = colonOf(lines[i]);
      const name = lines[i].slice(0, colon).toLowerCase();
      if (!FRAMING_HEADERS.has(name)) continue;
      const value = lines[i].slice(colon + 1).trim();
      fields[name] = name in fields ? `${fields[name]}, ${value}` : value;
    }
    if (fields['transfer-encoding'] !== undefined && fields['content-length'] !== undefined) {
      // Both framings at once, the stuff of request smuggling: llhttp names the later one.
      const order = Object.keys(fields);
      const code = order.indexOf('content-length') > order.indexOf('transfer-encoding') ? 'HPE_INVALID_CONTENT_LENGTH' : 'HPE_INVALID_TRANSFER_ENCODING';
      throw codedError(code, 'the response has both a Content-Length and a Transfer-Encoding');
    }
    const status = Number(statusLine[2]);
    const rest = buf.subarray(end + 4);
    // Interim answers (100 Continue, 103 Early Hints) precede the real one; they
    // count toward its head's limit, so that no flood of them goes on and on.
    if (status >= 100 && status < 200 && status !== 101) {
      this.fieldBytes += end + 4;
      return rest;
    }
    this.status = status;
    this.inHead = false;
    this.fieldBytes = 0; // now counting the trailers
    this.idleMs = keepAliveMs(statusLine[1], fields);
    if (this.bodiless || status === 204 || status === 304) {
      this.length = 0;
    } else if (fields['transfer-encoding'] !== undefined) {
      this.chunked = /(?:^|,)\s*chunked\s*$/i.test(fields['transfer-encoding']);
      this.untilClose = !this.chunked;
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
        if (this.inTrailers) this.roomFor(buf.length);
        else if (buf.length > MAX_CHUNK_LINE_BYTES) throw codedError('HPE_INVALID_CHUNK_SIZE', 'a chunk size line is too long');
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
        this.roomFor(eol);
        this.fieldBytes += eol + 2;
        colonOf(line);
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

  // Throws if `bytes` more of a head or of trailers exceed their limit.
  roomFor(bytes) {
    if (this.fieldBytes + bytes > MAX_HEAD_BYTES) throw codedError('HPE_HEADER_OVERFLOW', 'the response head is too large');
  }

  take(part) {
    if (!part.length) return;
    this.body.push(part);
    this.bodyBytes += part.length;
  }

  finish() {
    const done = this.done;
    this.done = null;
    if (!done) return;
    const text = Buffer.concat(this.body, this.bodyBytes).toString('utf8');
    // A byte order mark is dropped, as fetch's text() drops it.
    done(this.status, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, this.idleMs);
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
  return hint ? Math.min(MAX_IDLE_MS, Number(hint[1]) * 1000 - 1000) : IDLE_MS;
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
      const originText = ORIGIN.exec(url)[0];
      origin = originOf(originText);
      const request = requestHead(method, pathOf(url, originText.length), origin.host, headerLines, body ?? undefined) + (body ?? '');
      stopWaiting = withSocket(
        origin,
        (taken) => {
          socket = taken;
          const reader = new ResponseReader((status, text, idleMs) => finish(null, [status, text], idleMs), method === 'HEAD');
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
    const attempt = new Promise((resolve) => resolve(fetchImpl(url, init))).then((response) => boundedText(response).then((text) => [response.status, text]));
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

// A fetch answer's body as text, refused past MAX_ANSWER_BYTES as the built-in
// transport refuses it. A fetch without a body stream (node-fetch, say) is
// read whole first. The decoder drops a byte order mark, as `text()` does.
async function boundedText(response) {
  const tooLarge = () => Object.assign(codedError('ERR_ANSWER_TOO_LARGE', 'the answer exceeded 4 MB'), { status: response.status });
  const reader = typeof response.body?.getReader === 'function' ? response.body.getReader() : null;
  if (reader === null) {
    const text = await response.text();
    if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) throw tooLarge();
    return text;
  }
  const decoder = new TextDecoder();
  let text = '';
  for (let received = 0; ; ) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    received += value.byteLength;
    if (received > MAX_ANSWER_BYTES) {
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
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
