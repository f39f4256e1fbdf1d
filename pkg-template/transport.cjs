'use strict';
// How the core's requests reach the network. The core hands over one attempt
// as `send(method, url, headerLines, body, timeoutMs)` (headers as
// `name:value` lines) and awaits `[status, bodyText]`, or a rejection: a
// TimeoutError when the timer fired, else the network error.
//
//   nodeSend       node:http / node:https with keep-alive agents, the default
//                  on Node. Built on node:http directly, not on a fetch-shaped
//                  layer: an AbortController, a Response and a body promise
//                  per call cost more CPU than the whole wasm core (benches/).
//   fetchSend(f)   any WHATWG fetch: the `fetch` option, or the global fetch
//                  outside Node.
//
// Neither replays a request: retrying is the core's `retries` policy, which
// counts every attempt. Error messages never contain the URL: request URLs
// carry `access_token=`.

// Idle sockets are closed after this long. Node >= 18 also honours a shorter
// `Keep-Alive: timeout=N` hint from the server. Idle keep-alive sockets never
// hold the process open: the Agent unref()s a socket while it is free.
const FREE_SOCKET_TIMEOUT_MS = 15000;
const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 128, maxFreeSockets: 32, scheduling: 'lifo', timeout: FREE_SOCKET_TIMEOUT_MS };
// Origins seen, parsed once each (a client talks to one or two).
const MAX_ORIGINS = 32;

let schemes = null; // loaded on the first request: node:http(s) cost milliseconds of cold start
const origins = new Map();

function timeoutError(ms) {
  const err = new Error(`no answer within ${ms} ms`);
  err.name = 'TimeoutError';
  return err;
}

function headersFromLines(lines) {
  const headers = {};
  for (const line of lines.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return headers;
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

function invalidUrl(code, message) {
  // Node's own ERR_INVALID_URL carries the whole input: never passed on.
  const err = new TypeError(message);
  err.code = code;
  return err;
}

// `{ module, agent, protocol, hostname, port }` for the URL's origin.
function originOf(origin) {
  let known = origins.get(origin);
  if (known) return known;
  let parsed;
  try {
    parsed = new URL(origin);
  } catch {
    throw invalidUrl('ERR_INVALID_URL', 'Invalid URL');
  }
  if (!schemes) {
    const http = require('node:http');
    const https = require('node:https');
    schemes = {
      'http:': { module: http, agent: new http.Agent(AGENT_OPTIONS) },
      'https:': { module: https, agent: new https.Agent(AGENT_OPTIONS) },
    };
  }
  const scheme = schemes[parsed.protocol];
  if (!scheme) throw invalidUrl('ERR_INVALID_PROTOCOL', `Unsupported protocol ${parsed.protocol}`);
  const host = parsed.hostname;
  known = { ...scheme, protocol: parsed.protocol, hostname: host.startsWith('[') ? host.slice(1, -1) : host, port: parsed.port };
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(origin, known);
  return known;
}

// `[module, options]` for a request to `url`: its origin parsed once, its
// path as given unless it needs the escaping `new URL` does.
function requestOptions(url) {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const origin = originOf(slash < 0 ? url : url.slice(0, slash));
  let path = slash < 0 ? '/' : url.slice(slash);
  if (/[^\x21-\x7e]/.test(path)) {
    const parsed = new URL(url);
    path = parsed.pathname + parsed.search;
  }
  return [origin.module, { protocol: origin.protocol, hostname: origin.hostname, port: origin.port, path, agent: origin.agent }];
}

function nodeSend(method, url, headerLines, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let req = null;
    const finish = (err, answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(answer);
    };
    const timer = setTimeout(() => {
      finish(timeoutError(timeoutMs));
      if (req) req.destroy();
    }, timeoutMs);
    try {
      const [module, options] = requestOptions(url);
      options.method = method;
      options.headers = headersFromLines(headerLines);
      if (body !== undefined && body !== null) options.headers['content-length'] = Buffer.byteLength(body);
      req = module.request(options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => finish(null, [res.statusCode, text]));
        res.on('error', (e) => finish(networkError(e, url)));
        res.on('close', () => {
          if (!res.complete) finish(Object.assign(new Error('socket closed before the response was complete'), { code: 'ECONNRESET' }));
        });
      });
      req.on('error', (e) => finish(networkError(e, url)));
      req.end(body ?? undefined);
    } catch (e) {
      // An invalid URL or header value, thrown synchronously.
      finish(networkError(e, url));
      if (req) req.destroy();
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

module.exports = { nodeSend, fetchSend };
