'use strict';
// Times the two ways JSON can cross the JS <-> wasm boundary (see Cargo.toml),
// per call, on the package's typical bodies; reports the size each way costs.
//
//   node benches/json-probe/bench.cjs DIR [quick|full]
// DIR holds both/, text/ and value/ (wasm-bindgen --target nodejs outputs of
// this crate built with both features, only `text`, only `value`; wasm-opt'd
// like the package). Prints one JSON line with a `markdown` array.

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const [dir, mode = 'full'] = process.argv.slice(2);
const probe = require(path.join(dir, 'both', 'json_probe.js'));

// The package's wrapper stringifies requests with a replacer (markNonJson in
// pkg-template/index.cjs) so Dates, functions, NaN, … are named, not lost.
function markNonJson(key, value) {
  const raw = this[key];
  if (raw instanceof Date) return { $type: 'Date', ms: raw.getTime() };
  switch (typeof value) {
    case 'function': return { $type: 'function' };
    case 'symbol': return { $type: 'Symbol' };
    case 'bigint': return { $type: 'BigInt' };
    case 'number':
      if (Number.isNaN(value)) return { $type: 'NaN' };
      if (!Number.isFinite(value)) return { $type: value > 0 ? 'Infinity' : '-Infinity' };
      return value;
    default: return value;
  }
}

const CASES = {
  'urlscheme.generate': {
    request: { jumpWxa: { path: 'pages/item/detail', query: 'id=42&from=bench', envVersion: 'release' }, isExpire: true, expireType: 1, expireInterval: 7 },
    response: '{"errcode":0,"errmsg":"ok","openlink":"weixin://dl/business/?t=Ab3dEf9hIjKlM"}',
  },
  'urllink.query': {
    request: { urlLink: 'https://wxaurl.cn/Ab3dEf9hIjKl', queryType: 0 },
    response: JSON.stringify({
      errcode: 0, errmsg: 'ok',
      url_link_info: {
        appid: 'wx0123456789abcdef', path: 'pages/item/detail', query: 'id=42&from=bench', create_time: 1700000000,
        expire_time: 1700604800, env_version: 'release',
        cloud_base: { env: 'prod-1a2b', domain: 'example.com', path: '/jump-wxa.html', query: 'a=1', resource_appid: 'wx0123456789abcdef' },
      },
      visit_openid: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', url_link_quota: { long_time_used: 1, long_time_limit: 100000 },
    }),
  },
};

function time(fn, iterations) {
  for (let i = 0; i < Math.min(20000, iterations); i++) fn(); // warm up the JIT
  const samples = [];
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[2]; // median ns per op
}

const N = mode === 'quick' ? 5000 : 100000;
const results = {};
let sink = 0;
for (const [name, c] of Object.entries(CASES)) {
  probe.set_result(c.response);
  const reqText = JSON.stringify(c.request, markNonJson);
  const r = {};
  // The pieces.
  r.stringifyReplacer = time(() => (sink += JSON.stringify(c.request, markNonJson).length), N);
  r.stringifyPlain = time(() => (sink += JSON.stringify(c.request).length), N);
  r.requestText = time(() => (sink += probe.in_text(reqText)), N); // string copied in + serde_json::from_str
  r.requestValue = time(() => (sink += probe.in_value(c.request)), N); // serde-wasm-bindgen walks the object
  r.responseText = time(() => (sink += probe.in_text(c.response)), N);
  r.responseValue = time(() => (sink += probe.in_value(JSON.parse(c.response))), N); // JSON.parse in JS, then walk
  r.resultText = time(() => (sink += JSON.parse(probe.out_text()).errcode), N); // text out + JSON.parse
  r.resultValue = time(() => (sink += probe.out_value().errcode), N); // objects built across the boundary
  // Whole calls, as the package would do them.
  r.callText = time(() => (sink += JSON.parse(probe.call_text(JSON.stringify(c.request, markNonJson), c.response)).errcode), N);
  r.callValue = time(() => (sink += probe.call_value(c.request, JSON.parse(c.response)).errcode), N);
  results[name] = r;
}
if (sink === 42) console.error('');

function size(variant) {
  const file = path.join(dir, variant, 'json_probe_bg.wasm');
  const b = fs.readFileSync(file);
  return { raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length };
}
const sizes = { text: size('text'), value: size('value'), both: size('both') };

const us = (ns) => (ns / 1000).toFixed(2);
const md = [];
md.push(`JSON across the boundary (\`benches/json-probe\`, same target and settings as the package; µs per operation, median of 5 × ${N.toLocaleString('en-US')}):`);
md.push('');
md.push('| step | way | ' + Object.keys(CASES).map((n) => `\`${n}\``).join(' | ') + ' |');
md.push('|---|---|' + Object.keys(CASES).map(() => '---:').join('|') + '|');
const row = (step, way, key) => md.push(`| ${step} | ${way} | ${Object.values(results).map((r) => us(r[key])).join(' | ')} |`);
row('request in', 'now: `JSON.stringify` with the replacer', 'stringifyReplacer');
row('', '(the same without the replacer)', 'stringifyPlain');
row('', 'now: text copied in + `serde_json::from_str`', 'requestText');
row('', 'alt: object → serde-wasm-bindgen (into `serde_json::Value`)', 'requestValue');
row('response body in', 'now: text copied in + `serde_json::from_str`', 'responseText');
row('', 'alt: `JSON.parse` in JS + serde-wasm-bindgen', 'responseValue');
row('result out', 'now: `serde_json::to_string` + text out + `JSON.parse`', 'resultText');
row('', 'alt: serde-wasm-bindgen builds the object', 'resultValue');
row('**whole call**', '**now (text)**', 'callText');
row('', '**alt (values)**', 'callValue');
md.push('');
md.push(`Size (wasm-opt -Oz like the package; each way also writes the outgoing body with its own JSON): ` +
  `text only ${(sizes.text.raw / 1024).toFixed(1)} KB raw / ${(sizes.text.gzip / 1024).toFixed(1)} KB gzip, ` +
  `values only ${(sizes.value.raw / 1024).toFixed(1)} KB / ${(sizes.value.gzip / 1024).toFixed(1)} KB ` +
  `(values cost ${((sizes.value.raw - sizes.text.raw) / 1024).toFixed(1)} KB raw, ${((sizes.value.gzip - sizes.text.gzip) / 1024).toFixed(1)} KB gzip more).`);

process.stdout.write(`${JSON.stringify({ iterations: N, results, sizes, markdown: md })}\n`);
