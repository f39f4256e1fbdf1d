'use strict';
// HTTP plumbing shared by the three emulated platforms: body reading, recording,
// routing, injected faults, the /__emulator control surface and a close() that
// does not wait for idle keep-alive sockets.

const http = require('http');

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const FAULT_KINDS = ['errcode', 'http500', 'truncated', 'empty', 'delay', 'reset', 'expireToken', 'raw'];

// Turns a fault given by a test (or POSTed to /__emulator/inject) into a queue entry.
function normalizeFault(f) {
  if (!f || typeof f !== 'object') throw new TypeError('emulator: inject() takes a fault object');
  if (!FAULT_KINDS.includes(f.kind)) {
    throw new TypeError(`emulator: unknown fault kind ${JSON.stringify(f.kind)} (one of ${FAULT_KINDS.join(', ')})`);
  }
  if (typeof f.route !== 'string' || !(f.route === '*' || f.route.startsWith('/'))) {
    throw new TypeError("emulator: fault.route must be a path like '/wxa/generatescheme' or '*'");
  }
  const times = f.times === undefined ? 1 : f.times;
  if (!(Number.isInteger(times) && times > 0)) throw new TypeError('emulator: fault.times must be a positive integer');
  if (f.kind === 'delay' && !(typeof f.ms === 'number' && f.ms >= 0)) {
    throw new TypeError('emulator: a delay fault needs ms >= 0');
  }
  return Object.assign({}, f, { times });
}

class FaultQueue {
  constructor() {
    this.queue = [];
  }
  add(fault) {
    this.queue.push(normalizeFault(fault));
  }
  // The first queued fault for this path (or '*') applies; each use counts down `times`.
  take(path) {
    const i = this.queue.findIndex((f) => f.route === path || f.route === '*');
    if (i < 0) return null;
    const f = this.queue[i];
    if (--f.times === 0) this.queue.splice(i, 1);
    return f;
  }
}

function tryParseJson(text) {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (_) {
    return undefined;
  }
}

// Resolves the body as a string, or null when it passes MAX_BODY_BYTES.
function readBody(req) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BODY_BYTES) {
      resolve(null);
      return;
    }
    const chunks = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
  });
}

function createHttpServer({ routes, state, control }) {
  const routeMap = new Map();
  for (const r of routes) routeMap.set(`${r.method} ${r.path}`, r);
  const faults = new FaultQueue();
  const sockets = new Set();
  const pendingDelays = new Set();
  let closing = null;

  const server = http.createServer((req, res) => {
    res.on('error', () => {}); // writes to a socket the client dropped must not crash us
    handle(req, res).catch((err) => internalError(res, err));
  });
  // Long enough for benchmarks to reuse connections; headersTimeout must exceed it.
  server.keepAliveTimeout = 30000;
  server.headersTimeout = 31000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function gone(res) {
    return !res.socket || res.socket.destroyed || res.writableEnded;
  }

  function send(res, status, contentType, body, extraHeaders) {
    if (gone(res)) return;
    const headers = Object.assign({ 'Content-Length': Buffer.byteLength(body) }, extraHeaders || {});
    if (contentType) headers['Content-Type'] = contentType;
    res.writeHead(status, headers);
    res.end(body);
  }

  function sendJson(res, status, obj, contentType, extraHeaders) {
    send(res, status, contentType || 'application/json; charset=utf-8', JSON.stringify(obj), extraHeaders);
  }

  function internalError(res, err) {
    state.errors.push(err);
    if (res.headersSent) {
      if (res.socket) res.socket.destroy();
      return;
    }
    sendJson(res, 500, { errcode: -500, errmsg: `emulator: internal error: ${err && err.message}` });
  }

  function sleep(ms) {
    return new Promise((resolve) => {
      const entry = { resolve };
      entry.timer = setTimeout(() => {
        pendingDelays.delete(entry);
        resolve();
      }, ms);
      pendingDelays.add(entry);
    });
  }

  // A route's handler answers { status?, json } or { status?, body, contentType? }.
  function sendReply(res, route, reply) {
    const status = reply.status || 200;
    const type = reply.contentType || route.platform.contentType;
    if (reply.json !== undefined) sendJson(res, status, reply.json, type, reply.headers);
    else send(res, status, type, reply.body || '', reply.headers);
  }

  // Returns true when the fault produced the whole answer.
  async function applyFault(fault, route, ctx, res) {
    const p = route.platform;
    switch (fault.kind) {
      case 'errcode': {
        const code = fault.errcode === undefined ? -1 : fault.errcode;
        let msg = fault.errmsg === undefined ? p.defaultMessage(code) : fault.errmsg;
        if (fault.echoToken) {
          // The platforms sometimes quote the credential back; clients must not pass it on.
          const tok = (route.carried || p.carried)(ctx);
          if (tok) msg = `${msg} (access_token: ${tok})`;
        }
        sendReply(res, route, { json: (route.errorBody || p.errorBody)(code, msg) });
        return true;
      }
      case 'expireToken':
        sendReply(res, route, { json: (route.errorBody || p.errorBody)(p.expiredCode, p.defaultMessage(p.expiredCode)) });
        return true;
      case 'http500': {
        const status = fault.status || 500;
        const reason = http.STATUS_CODES[status] || 'Error';
        send(res, status, 'text/html', `<html><body><h1>${status} ${reason}</h1></body></html>`);
        return true;
      }
      case 'truncated':
        send(res, 200, p.contentType, fault.body !== undefined ? String(fault.body) : p.truncatedBody);
        return true;
      case 'empty':
        send(res, 200, p.contentType, '');
        return true;
      case 'reset': {
        const s = res.socket;
        // resetAndDestroy (Node 16.17+/18.3+) sends a TCP RST; plain destroy is close enough elsewhere.
        if (s && typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
        else if (s) s.destroy();
        return true;
      }
      case 'raw': {
        const body = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body === undefined ? {} : fault.body);
        send(res, fault.status || 200, fault.contentType || p.contentType, body, fault.headers);
        return true;
      }
      case 'delay':
        await sleep(fault.ms);
        return false; // then answer normally
      default:
        return false;
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method;
    const body = await readBody(req);

    if (path.startsWith('/__emulator/')) {
      handleControl(req, res, method, path, body);
      return;
    }

    const rec = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: Object.assign({}, req.headers),
      body: body === null ? '' : body,
      json: body === null ? undefined : tryParseJson(body),
      time: state.now(),
    };
    if (body === null) rec.bodyTooLarge = true;
    state.record(rec);

    if (body === null) {
      // Close the connection: the rest of the oversized upload is not worth reading.
      sendJson(res, 413, { errcode: -413, errmsg: `emulator: request body larger than ${MAX_BODY_BYTES} bytes` }, null, {
        Connection: 'close',
      });
      return;
    }

    const route = routeMap.get(`${method} ${path}`);
    if (!route) {
      sendJson(res, 501, { errcode: -501, errmsg: `emulator: unknown route ${method} ${path}` });
      return;
    }

    const ctx = { req, rec, method, path, query: rec.query, headers: rec.headers, body, json: rec.json, state };
    const fault = faults.take(path);
    if (fault && (await applyFault(fault, route, ctx, res))) return;
    // A client that gave up during a delay gets nothing, and nothing is generated for it.
    if (closing || gone(res)) return;
    sendReply(res, route, route.handle(ctx));
  }

  // Lets another process (CLI demo, benchmarks) steer the emulator. Not recorded.
  function handleControl(req, res, method, path, body) {
    const reply = (status, obj) => sendJson(res, status, obj);
    const json = body === null ? undefined : tryParseJson(body);
    try {
      if (method === 'POST' && path === '/__emulator/inject') {
        const list = Array.isArray(json) ? json : [json];
        for (const f of list) control.inject(f);
        return reply(200, { ok: true, queued: list.length });
      }
      if (method === 'GET' && path === '/__emulator/requests') return reply(200, control.requests());
      if (method === 'POST' && path === '/__emulator/clear') {
        control.clear();
        return reply(200, { ok: true });
      }
      if (method === 'GET' && path === '/__emulator/tokens') return reply(200, control.tokens());
      if (method === 'POST' && path === '/__emulator/expire-tokens') {
        control.expireTokens();
        return reply(200, { ok: true });
      }
      if (method === 'POST' && path === '/__emulator/revoke-token') {
        return reply(200, { ok: control.revokeToken(json && json.token) });
      }
      if (method === 'GET' && path === '/__emulator/stats') return reply(200, control.stats());
      return reply(501, { errcode: -501, errmsg: `emulator: unknown route ${method} ${path}` });
    } catch (err) {
      return reply(400, { errcode: -400, errmsg: String(err && err.message) });
    }
  }

  function listen(port) {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve(server.address().port);
      });
    });
  }

  function close() {
    if (closing) return closing;
    closing = new Promise((resolve) => {
      server.close(() => resolve());
      for (const d of pendingDelays) {
        clearTimeout(d.timer);
        d.resolve();
      }
      pendingDelays.clear();
      // server.close() only stops accepting; idle keep-alive sockets would hold it open.
      for (const s of sockets) s.destroy();
    });
    return closing;
  }

  return { listen, close, faults, MAX_BODY_BYTES };
}

module.exports = { createHttpServer, normalizeFault, FAULT_KINDS, MAX_BODY_BYTES };
