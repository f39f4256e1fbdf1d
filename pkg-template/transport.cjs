'use strict';
// Built-in fetch-compatible transport over node:http / node:https.
//
// Implements the subset of WHATWG fetch the package uses:
//   nodeFetch(url, { method, headers, body, signal }) -> Promise<Response-like>
// with module-level keep-alive agents, so repeated calls reuse sockets (no TLS
// handshake per call). Works on Node 16+ (no global fetch, Headers or
// DOMException needed).
//
// Idle keep-alive sockets never hold the process open: Node's Agent unref()s a
// socket when it goes back to the free pool and ref()s it when it is reused.
//
// Error messages never contain the URL: request URLs carry `access_token=`.

const http = require('node:http');
const https = require('node:https');

// Idle sockets are closed after this long. Node >= 18 also honours a shorter
// `Keep-Alive: timeout=N` hint from the server.
const FREE_SOCKET_TIMEOUT_MS = 15000;

const agentOptions = {
  keepAlive: true,
  keepAliveMsecs: 1000,
  maxSockets: 128,
  maxFreeSockets: 32,
  scheduling: 'lifo',
  timeout: FREE_SOCKET_TIMEOUT_MS,
};
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

function abortError() {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

// A fresh Error built from a node network error, minus anything URL-shaped.
function networkError(cause, url) {
  let message = typeof cause?.message === 'string' && cause.message ? cause.message : 'request failed';
  if (url) {
    const q = url.indexOf('?');
    if (message.includes(url)) message = message.split(url).join('<url>');
    if (q >= 0) {
      const query = url.slice(q);
      if (message.includes(query)) message = message.split(query).join('');
    }
  }
  const err = new Error(message);
  if (cause && cause.code !== undefined) err.code = cause.code;
  if (cause && cause.errno !== undefined) err.errno = cause.errno;
  if (cause && cause.syscall !== undefined) err.syscall = cause.syscall;
  return err;
}

function prematureClose() {
  const err = new Error('socket closed before the response was complete');
  err.code = 'ECONNRESET';
  return err;
}

// The Response-like object handed back once the status line arrives.
function makeResponse(res, body) {
  const resHeaders = res.headers;
  const status = res.statusCode;
  return {
    status,
    ok: status >= 200 && status < 300,
    statusText: res.statusMessage || '',
    redirected: false,
    headers: {
      get(name) {
        const v = resHeaders[String(name).toLowerCase()];
        if (v === undefined) return null;
        return Array.isArray(v) ? v.join(', ') : v;
      },
      has(name) {
        return resHeaders[String(name).toLowerCase()] !== undefined;
      },
    },
    text() {
      return body;
    },
    json() {
      return body.then(JSON.parse);
    },
  };
}

function toPlainHeaders(headers) {
  if (!headers) return undefined;
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
    // a WHATWG Headers instance
    const out = {};
    headers.forEach((v, k) => {
      out[k] = v;
    });
    return out;
  }
  if (Array.isArray(headers)) {
    const out = {};
    for (const [k, v] of headers) out[k] = v;
    return out;
  }
  return headers;
}

function nodeFetch(url, init) {
  url = String(url);
  const opts = init || {};
  const signal = opts.signal;
  if (signal && signal.aborted) return Promise.reject(abortError());

  let target;
  try {
    target = new URL(url);
  } catch (e) {
    // Node's ERR_INVALID_URL carries the whole input: never pass it on.
    const err = new TypeError('Invalid URL');
    err.code = 'ERR_INVALID_URL';
    return Promise.reject(err);
  }
  let mod;
  let agent;
  if (target.protocol === 'https:') {
    mod = https;
    agent = httpsAgent;
  } else if (target.protocol === 'http:') {
    mod = http;
    agent = httpAgent;
  } else {
    const err = new TypeError(`Unsupported protocol ${target.protocol}`);
    err.code = 'ERR_INVALID_PROTOCOL';
    return Promise.reject(err);
  }

  const method = opts.method ? String(opts.method).toUpperCase() : 'GET';
  const headers = toPlainHeaders(opts.headers);
  let body = opts.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    body = String(body);
  }
  const hasBody = body !== undefined && body !== null;

  return new Promise((resolve, reject) => {
    let req = null;
    let settledHead = false; // the outer promise has settled
    let finished = false; // the body is complete or failed
    let rejectBody = null; // set while the body is being read

    function cleanup() {
      finished = true;
      if (signal) signal.removeEventListener('abort', onAbort);
    }

    function onAbort() {
      if (finished) return;
      cleanup();
      const err = abortError();
      if (req) req.destroy();
      if (rejectBody) rejectBody(err);
      else if (!settledHead) {
        settledHead = true;
        reject(err);
      }
    }

    function send() {
      const r = mod.request(target, { method, headers, agent });
      req = r;
      if (hasBody && !r.hasHeader('content-length')) {
        r.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      }
      r.on('response', onResponse);
      // No silent replay, even on a reused socket: the server may have got the
      // request (a POST that creates a link). Retrying is the caller's policy
      // (`retries`), which counts every attempt.
      r.on('error', (e) => {
        if (finished || settledHead) return;
        cleanup();
        settledHead = true;
        reject(networkError(e, url));
      });
      if (hasBody) r.end(body);
      else r.end();
    }

    function onResponse(res) {
      if (finished) {
        res.resume();
        return;
      }
      const chunks = [];
      let ended = false;
      const bodyPromise = new Promise((resolveBody, rejectB) => {
        rejectBody = rejectB;
        res.on('data', (chunk) => {
          chunks.push(chunk);
        });
        res.on('end', () => {
          ended = true;
          if (finished) return;
          cleanup();
          rejectBody = null;
          resolveBody(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
        });
        const fail = (e) => {
          if (finished) return;
          cleanup();
          rejectBody = null;
          rejectB(e ? networkError(e, url) : prematureClose());
        };
        res.on('error', fail);
        res.on('aborted', () => fail(null));
        res.on('close', () => {
          if (!ended) fail(null);
        });
      });
      // Nobody may read the body (e.g. the caller only looks at the status):
      // a failure there must not become an unhandled rejection.
      bodyPromise.catch(noop);
      settledHead = true;
      resolve(makeResponse(res, bodyPromise));
    }

    if (signal) signal.addEventListener('abort', onAbort);
    try {
      send();
    } catch (e) {
      // e.g. ERR_INVALID_CHAR for a bad header, thrown synchronously
      cleanup();
      settledHead = true;
      reject(networkError(e, url));
    }
  });
}

function noop() {}

module.exports = { nodeFetch, httpAgent, httpsAgent };
