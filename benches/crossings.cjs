'use strict';
// Counts the JS <-> wasm crossings per `urlscheme.generate` call: every call
// from JavaScript into an export of the module (the method itself, malloc /
// free for strings, closure invocations when a promise settles, …) and every
// call from the module out to an import (fetch, Reflect.get, setTimeout,
// string conversions, …).
//
// Works on a copy of the installed package whose wasm-bindgen glue is patched
// to wrap the imports object and the exports (bench only: the package itself
// is untouched).
//
//   node benches/crossings.cjs '{"url": "http://127.0.0.1:PORT", "project": DIR}'
// Prints one JSON line.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const { url, project } = JSON.parse(process.argv[2]);
const projectRequire = createRequire(path.join(project, 'package.json'));
const installed = path.dirname(projectRequire.resolve('miniprogram-links/package.json'));

const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mpl-crossings-'));
process.on('exit', () => fs.rmSync(copy, { recursive: true, force: true }));
fs.cpSync(installed, copy, { recursive: true });

const gluePath = path.join(copy, fs.readdirSync(copy).find((f) => f.endsWith('.js') && fs.readFileSync(path.join(copy, f), 'utf8').includes('new WebAssembly.Instance(')));
let glue = fs.readFileSync(gluePath, 'utf8');
const patches = [
  [/new WebAssembly\.Instance\(wasmModule, __wbg_get_imports\(\)\)/g, 'new WebAssembly.Instance(wasmModule, globalThis.__mplCount.imports(__wbg_get_imports()))'],
  [/\bwasm = wasmInstance\.exports;/g, 'wasm = globalThis.__mplCount.exports(wasmInstance.exports);'],
];
for (const [re, to] of patches) {
  if (!re.test(glue)) throw new Error(`crossings: the glue no longer matches ${re} (wasm-bindgen changed its output): update benches/crossings.cjs`);
  glue = glue.replace(re, to);
}
fs.writeFileSync(gluePath, glue);

const counts = new Map();
const count = (name) => counts.set(name, (counts.get(name) || 0) + 1);
const short = (name) => name.replace(/_[0-9a-f]{16}$/, '').replace(/^__wbg_/, '').replace(/_h[0-9a-f]{16}$/, '');
globalThis.__mplCount = {
  imports(imports) {
    for (const mod of Object.values(imports)) {
      for (const [name, fn] of Object.entries(mod)) {
        if (typeof fn !== 'function') continue;
        const label = `out: ${short(name)}`;
        mod[name] = function (...args) {
          count(label);
          return fn.apply(this, args);
        };
      }
    }
    return imports;
  },
  exports(exports) {
    const wrapped = {};
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'function') {
        const label = `in: ${short(name)}`;
        wrapped[name] = (...args) => {
          count(label);
          return value(...args);
        };
      } else {
        wrapped[name] = value;
      }
    }
    return wrapped;
  },
};

const { WeChatClient } = require(path.join(copy, 'index.cjs'));
const REQUEST = {
  jumpWxa: { path: 'pages/item/detail', query: 'id=42&from=bench', envVersion: 'release' },
  isExpire: true,
  expireType: 1,
  expireInterval: 7,
};

function snapshot(calls) {
  const perCall = { exports: 0, imports: 0, total: 0 };
  const byName = [];
  for (const [name, n] of counts) {
    const v = n / calls;
    if (name.startsWith('in: ')) perCall.exports += v;
    else perCall.imports += v;
    byName.push([name, v]);
  }
  perCall.total = perCall.exports + perCall.imports;
  byName.sort((a, b) => b[1] - a[1]);
  return { calls, perCall, top: byName };
}

async function main() {
  const wx = new WeChatClient({ appid: 'wxbench0000000001', secret: 'bench-secret', baseUrl: url });
  await wx.getAccessToken();
  for (let i = 0; i < 50; i++) await wx.urlscheme.generate(REQUEST);

  counts.clear();
  const n = 200;
  for (let i = 0; i < n; i++) await wx.urlscheme.generate(REQUEST);
  const sequential = snapshot(n);

  counts.clear();
  const concurrency = 32;
  const m = 2000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < m) {
        next += 1;
        await wx.urlscheme.generate(REQUEST);
      }
    })
  );
  const concurrent = { ...snapshot(m), concurrency };

  counts.clear();
  wx.plainScheme({ path: 'pages/index/index', query: 'a=1' });
  const plainScheme = snapshot(1);

  process.stdout.write(`${JSON.stringify({ sequential, concurrent, plainScheme })}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
