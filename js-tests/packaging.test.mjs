// The package as a user gets it: installed by name from the packed tarball.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import * as esm from 'miniprogram-links';

const execFileP = promisify(execFile);
const require = createRequire(import.meta.url);
const PKG_DIR = path.dirname(require.resolve('miniprogram-links/package.json'));
const pkgJson = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));

const SHIPPED = [
  'index.cjs',
  'index.mjs',
  'index.d.ts',
  'transport.cjs',
  'diagnostics.cjs',
  'batch.cjs',
  'landing.cjs',
  'cli.cjs',
  'cli/arguments.cjs',
  'cli/client.cjs',
  'cli/formats.cjs',
  'cli/help.cjs',
  'cli/progress.cjs',
  'cli/rows.cjs',
  'cli/run-batch.cjs',
  'cli/run-page.cjs',
  'cli/run-single.cjs',
  'redis.cjs',
  'redis.d.ts',
  'miniprogram_links.js',
  'miniprogram_links_bg.wasm',
  'README.md',
];

test('require and import give the very same exports', async () => {
  const cjs = require('miniprogram-links');
  for (const name of ['WeChatClient', 'DouyinClient', 'LinkError', 'appendCq']) {
    assert.equal(typeof cjs[name], 'function', `require(): ${name} is a function`);
    assert.equal(typeof esm[name], 'function', `import: ${name} is a class`);
    assert.equal(esm[name], cjs[name], `${name}: one instance for require and import`);
  }
  const dyn = await import('miniprogram-links');
  assert.equal(dyn.WeChatClient, cjs.WeChatClient);
  assert.equal(dyn.LinkError, cjs.LinkError);
  assert.ok(Object.create(cjs.LinkError.prototype) instanceof Error, 'LinkError extends Error');
});

test('a fresh process loads the package with require and with import and exits', async () => {
  const opts = { cwd: path.dirname(path.dirname(PKG_DIR)), timeout: 15_000 };
  const cjs = await execFileP(process.execPath, ['-e', `
    const m = require('miniprogram-links');
    console.log(typeof m.WeChatClient, typeof m.DouyinClient, typeof m.LinkError);
  `], opts);
  assert.equal(cjs.stdout.trim(), 'function function function');
  const mjs = await execFileP(process.execPath, ['--input-type=module', '-e', `
    import { WeChatClient, DouyinClient, LinkError } from 'miniprogram-links';
    console.log(typeof WeChatClient, typeof DouyinClient, typeof LinkError);
  `], opts);
  assert.equal(mjs.stdout.trim(), 'function function function');
});

test('package.json: entry points, exports map, engines, no dependencies', () => {
  assert.equal(pkgJson.name, 'miniprogram-links');
  assert.match(pkgJson.version, /^\d+\.\d+\.\d+/);
  assert.equal(pkgJson.license, 'MIT');
  assert.equal(pkgJson.main, 'index.cjs');
  assert.equal(pkgJson.types, 'index.d.ts');
  assert.equal(pkgJson.type, undefined, 'no "type": the wasm-bindgen glue is CommonJS');
  assert.deepEqual(pkgJson.exports, {
    '.': { types: './index.d.ts', import: './index.mjs', require: './index.cjs' },
    './redis': { types: './redis.d.ts', require: './redis.cjs', default: './redis.cjs' },
    './package.json': './package.json',
  });
  assert.deepEqual(pkgJson.engines, { node: '>=16' });
  assert.equal(pkgJson.sideEffects, false);
  assert.deepEqual([...pkgJson.files].sort(), [...SHIPPED].sort());
  for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
    const v = pkgJson[key];
    assert.ok(v === undefined || (typeof v === 'object' && Object.keys(v).length === 0), `${key} must be empty`);
  }
  // Installing the tarball pulled in nothing else.
  // (scripts/test also installs the test-only probe build beside it.)
  const installed = fs.readdirSync(path.dirname(PKG_DIR)).filter((n) => !n.startsWith('.') && n !== 'miniprogram-links-probe');
  assert.deepEqual(installed, ['miniprogram-links']);
});

test('deep imports are closed by the exports map', () => {
  assert.throws(() => require('miniprogram-links/transport.cjs'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  assert.throws(() => require('miniprogram-links/miniprogram_links.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
});

test('npm pack lists exactly the shipped files', async (t) => {
  const { stdout } = await execFileP('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: PKG_DIR,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [report] = JSON.parse(stdout);
  const files = report.files.map((f) => f.path).sort();
  assert.deepEqual(files, [...SHIPPED, 'package.json'].sort());
  assert.ok(!files.some((f) => f.endsWith('.map')), 'no source maps');
  assert.ok(!files.some((f) => /test/i.test(f)), 'no tests');
  assert.deepEqual(files.filter((f) => f.endsWith('.d.ts')).sort(), ['index.d.ts', 'redis.d.ts']);
  t.diagnostic(`tarball: ${report.size} bytes packed, ${report.unpackedSize} unpacked, ${report.entryCount} files`);
});

test('the shipped files are all there and non-empty', () => {
  for (const f of SHIPPED) {
    const st = fs.statSync(path.join(PKG_DIR, f));
    assert.ok(st.size > 0, `${f} is empty`);
  }
  const dts = fs.readFileSync(path.join(PKG_DIR, 'index.d.ts'), 'utf8');
  for (const name of ['WeChatClient', 'DouyinClient', 'LinkError']) assert.ok(dts.includes(name), `index.d.ts declares ${name}`);
});

// Value types and table element types that need the reference-types proposal,
// which Node 16 (WeChat cloud functions) does not have.
function referenceTypeUses(bytes) {
  const uses = [];
  let p = 8;
  const u32 = () => {
    let r = 0;
    let s = 0;
    let x;
    do {
      x = bytes[p++];
      r += (x & 0x7f) * 2 ** s;
      s += 7;
    } while (x & 0x80);
    return r;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const len = u32();
    const end = p + len;
    if (id === 1) {
      // type section: functypes 0x60 params results
      const n = u32();
      for (let i = 0; i < n; i++) {
        if (bytes[p++] !== 0x60) return [...uses, 'unknown type form'];
        for (let k = 0; k < 2; k++) {
          const m = u32();
          for (let j = 0; j < m; j++) {
            const vt = bytes[p++];
            if (vt === 0x6f || vt === 0x70) uses.push(`type ${i} uses ${vt === 0x6f ? 'externref' : 'funcref'}`);
          }
        }
      }
    } else if (id === 4) {
      // table section
      const n = u32();
      for (let i = 0; i < n; i++) {
        const rt = bytes[p++];
        if (rt === 0x6f) uses.push(`table ${i} holds externref`);
        const flags = u32();
        u32();
        if (flags & 1) u32();
      }
      if (n > 1) uses.push(`${n} tables`);
    }
    p = end;
  }
  return uses;
}

test('the wasm module is valid and needs no reference types (Node 16)', (t) => {
  const wasm = fs.readFileSync(path.join(PKG_DIR, 'miniprogram_links_bg.wasm'));
  assert.ok(WebAssembly.validate(wasm), 'WebAssembly.validate');
  assert.deepEqual(referenceTypeUses(wasm), []);
  const gz = zlib.gzipSync(wasm, { level: 9 }).length;
  t.diagnostic(`miniprogram_links_bg.wasm: ${wasm.length} bytes raw, ${gz} bytes gzip -9`);
});
