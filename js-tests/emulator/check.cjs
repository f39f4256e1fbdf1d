'use strict';
// Small request-body checks shared by the platform files.

// Walks `obj` against `shape` ({ key: 'string' | 'boolean' | 'number' | 'integer' | nestedShape }).
// Returns null when it fits, else a short hint. Unknown keys and wrong types both fail,
// which is how a client that sends camelCase keys or nulls gets caught. Absent keys are fine.
function shapeError(obj, shape, prefix) {
  const at = prefix ? `${prefix}.` : '';
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return `${prefix || 'body'} is not a JSON object`;
  for (const key of Object.keys(obj)) {
    const want = shape[key];
    const v = obj[key];
    if (want === undefined) return `unknown key ${at}${key}`;
    if (typeof want === 'object') {
      const inner = shapeError(v, want, at + key);
      if (inner) return inner;
      continue;
    }
    const ok =
      want === 'integer' ? Number.isInteger(v) : want === 'number' ? typeof v === 'number' && isFinite(v) : typeof v === want;
    if (!ok) return `${at}${key} must be ${want === 'integer' ? 'an integer' : `a ${want}`}, got ${JSON.stringify(v)}`;
  }
  return null;
}

// WeChat's query charset (the docs list it once with a backtick, once without: allow it).
const WECHAT_QUERY_RE = /^[0-9a-zA-Z!#$&'()*+,/:;=?@\-._~%`]*$/;

function wechatQueryError(q) {
  if (q === undefined) return null;
  if (q.length > 1024) return `query is ${q.length} characters, more than 1024`;
  if (!WECHAT_QUERY_RE.test(q)) return 'query has a character outside 0-9a-zA-Z!#$&\'()*+,/:;=?@-._~%`';
  return null;
}

// Douyin wants the query as the text of a JSON object.
function douyinQueryError(q) {
  if (q === undefined) return null;
  if (q.length > 1024) return `query is ${q.length} characters, more than 1024`;
  let v;
  try {
    v = JSON.parse(q);
  } catch (_) {
    return 'query is not JSON text';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'query is not the text of a JSON object';
  return null;
}

function isJsonContentType(h) {
  return typeof h === 'string' && /^application\/json\s*(;|$)/i.test(h.trim());
}

// A response header carrying why a request was refused: helps debugging without
// changing the platform-shaped body. Header values must be plain ASCII.
function hintHeaders(hint) {
  return hint ? { 'X-Emulator-Hint': String(hint).replace(/[^\x20-\x7e]/g, '?').slice(0, 300) } : undefined;
}

module.exports = { shapeError, wechatQueryError, douyinQueryError, isJsonContentType, hintHeaders };
