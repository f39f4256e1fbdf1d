// The benchmark driver (scripts/bench runs it; see there for the options).
//
//   node benches/run.mjs --project DIR --tarball FILE [--quick] [--rounds N]
//        [--calls N] [--concurrency N] [--warmup N] [--cold-runs N]
//        [--server raw|http] [--tls] [--server-check] [--contenders a,b,…] [--json FILE]
//        [--crossings] [--json-probe DIR]
//
// Throughput: each contender in a process of its own against one loopback
// server process, in interleaved rounds (the order rotates every round, so a
// burst of outside load hits every contender alike); medians over rounds, and
// the median of each round's ratio to the node:http baseline of that round.
// Cold start: `node -e 0` against `require` + `new WeChatClient` + first
// `plainScheme`, interleaved, medians. RSS: the same processes' resident
// memory at the end against bare node's. Sizes: the .wasm raw and gzip -9, the
// tarball, the installed package (du), its dependencies.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---- options ----
function parseArgs(argv) {
  const o = {
    quick: false, rounds: 5, calls: 20000, concurrency: 32, warmup: 2000, coldRuns: 30,
    server: 'raw', tls: false, serverCheck: false, contenders: null, json: null, project: null, tarball: null,
    crossings: true, jsonProbe: null,
  };
  const num = (v, name) => {
    if (!/^\d+$/.test(v ?? '')) throw new Error(`${name} needs a whole number`);
    return Number(v);
  };
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--rounds': o.rounds = num(value(), a); explicit.add('rounds'); break;
      case '--calls': o.calls = num(value(), a); explicit.add('calls'); break;
      case '--concurrency': o.concurrency = num(value(), a); break;
      case '--warmup': o.warmup = num(value(), a); explicit.add('warmup'); break;
      case '--cold-runs': o.coldRuns = num(value(), a); explicit.add('coldRuns'); break;
      case '--server': o.server = value(); break;
      case '--server-check': o.serverCheck = true; break;
      case '--tls': o.tls = true; break;
      case '--contenders': o.contenders = value().split(','); break;
      case '--json': o.json = value(); break;
      case '--project': o.project = value(); break;
      case '--tarball': o.tarball = value(); break;
      case '--no-crossings': o.crossings = false; break;
      case '--json-probe': o.jsonProbe = value(); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (o.quick) {
    if (!explicit.has('rounds')) o.rounds = 1;
    if (!explicit.has('calls')) o.calls = 500;
    if (!explicit.has('warmup')) o.warmup = 100;
    if (!explicit.has('coldRuns')) o.coldRuns = 3;
  }
  if (!o.project) throw new Error('--project DIR (a project with miniprogram-links installed) is required');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const ALL = ['node-http', 'fetch', 'mpl', 'mpl-observed', 'mpl-fetch', 'co-wechat-api', 'mpl-transport'];
const LABEL = {
  'node-http': 'hand-written `node:http`, keep-alive Agent',
  fetch: 'hand-written global `fetch` (undici)',
  mpl: '**miniprogram-links**, default transport',
  'mpl-observed': 'miniprogram-links, a `diagnostics_channel` subscriber on both channels',
  'mpl-fetch': 'miniprogram-links, `fetch: globalThis.fetch`',
  'co-wechat-api': 'co-wechat-api 3.11 (httpx over node:http)',
  'mpl-transport': '(diagnostic) the package\'s `transport.cjs` alone, hand-written JSON around it',
};
const hasCoWechat = fs.existsSync(path.join(HERE, 'node_modules', 'co-wechat-api', 'package.json'));
let contenders = opts.contenders || ALL;
const skipped = [];
if (!hasCoWechat && contenders.includes('co-wechat-api')) {
  contenders = contenders.filter((c) => c !== 'co-wechat-api');
  skipped.push('co-wechat-api (not installed in benches/node_modules)');
}
if (typeof fetch !== 'function') {
  for (const c of ['fetch', 'mpl-fetch']) if (contenders.includes(c)) skipped.push(`${c} (no global fetch on ${process.version})`);
  contenders = contenders.filter((c) => c !== 'fetch' && c !== 'mpl-fetch');
}

const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- processes ----
// --tls: the server uses the test certificate, which the clients (child
// processes) trust through NODE_EXTRA_CA_CERTS and this process passes as `ca`.
const TEST_CA = path.join(HERE, '..', 'js-tests', 'support', 'tls', 'cert.pem');
const CHILD_ENV = opts.tls ? { ...process.env, NODE_EXTRA_CA_CERTS: TEST_CA } : process.env;
const CA = opts.tls ? fs.readFileSync(TEST_CA) : undefined;

function startServer(kind) {
  return new Promise((resolve, reject) => {
    const args = [path.join(HERE, 'server.cjs'), '--kind', kind, ...(opts.tls ? ['--tls'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, url: JSON.parse(out.slice(0, nl)).url, kind });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

async function serverStats(server) {
  const res = await new Promise((resolve, reject) => {
    import(opts.tls ? 'node:https' : 'node:http').then(({ default: scheme }) => {
      scheme.get(`${server.url}/__stats`, { agent: false, ca: CA }, (r) => {
        let t = '';
        r.on('data', (c) => (t += c));
        r.on('end', () => resolve(t));
      }).on('error', reject);
    });
  });
  return JSON.parse(res);
}

function runClient(contender, url) {
  const config = { url, calls: opts.calls, concurrency: opts.concurrency, warmup: opts.warmup, project: opts.project };
  const r = spawnSync(process.execPath, [path.join(HERE, 'client.cjs'), contender, JSON.stringify(config)], {
    cwd: HERE, env: CHILD_ENV, encoding: 'utf8', maxBuffer: 1 << 20, timeout: 300000,
  });
  if (r.status !== 0) throw new Error(`contender ${contender} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function throughput(server) {
  const results = Object.fromEntries(contenders.map((c) => [c, []]));
  const ratios = Object.fromEntries(contenders.map((c) => [c, []]));
  const serverUs = [];
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the order: each contender takes each position in turn.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    const thisRound = {};
    for (const c of order) {
      const before = await serverStats(server);
      const r = runClient(c, server.url);
      const after = await serverStats(server);
      // The server's CPU per request while this client ran (token and warm-up included).
      r.serverUsPerRequest = (after.cpuUs - before.cpuUs) / Math.max(1, after.requests - before.requests - 1);
      r.serverBusy = (r.serverUsPerRequest * r.callsPerSecond) / 1e6;
      serverUs.push(r.serverUsPerRequest);
      results[c].push(r);
      thisRound[c] = r;
      log(`  round ${round + 1}/${opts.rounds} ${c.padEnd(14)} ${r.callsPerSecond.toFixed(0).padStart(6)} calls/s  ${r.cpuUsPerCall.toFixed(1).padStart(6)} µs CPU/call  (server ${Math.round(r.serverBusy * 100)}% busy)`);
    }
    if (thisRound['node-http']) {
      for (const c of contenders) ratios[c].push(thisRound[c].callsPerSecond / thisRound['node-http'].callsPerSecond);
    }
  }
  const summary = {};
  for (const c of contenders) {
    summary[c] = {
      callsPerSecond: median(results[c].map((r) => r.callsPerSecond)),
      cpuUsPerCall: median(results[c].map((r) => r.cpuUsPerCall)),
      ratio: ratios[c].length ? median(ratios[c]) : null,
      maxRssKb: median(results[c].map((r) => r.maxRssKb)),
      serverBusy: median(results[c].map((r) => r.serverBusy)),
      rounds: results[c].map((r) => ({ callsPerSecond: r.callsPerSecond, cpuUsPerCall: r.cpuUsPerCall })),
    };
  }
  return { summary, serverUsPerRequest: median(serverUs) };
}

// ---- cold start and RSS ----
// Each process reports with fs.writeSync(1, …): the first touch of
// `process.stdout` builds a stream over the pipe, about 2.4 ms on this kind of
// machine, which `node -e 0` never pays; writeSync costs nothing measurable.
const REPORT = "require('node:fs').writeSync(1, ";
const COLD = {
  bare: { cwd: HERE, code: '0' },
  bareRss: { cwd: HERE, code: `${REPORT}String(process.memoryUsage().rss))` },
  mpl: {
    cwd: null, // the project
    // The phases are timed inside the process too (from the start of user code).
    code:
      'const t0 = performance.now();' +
      "const { WeChatClient } = require('miniprogram-links');" +
      'const t1 = performance.now();' +
      "const wx = new WeChatClient({ appid: 'wxbench0000000001', secret: 'bench-secret' });" +
      'const t2 = performance.now();' +
      "wx.plainScheme({ path: 'pages/index/index', query: 'a=1' });" +
      'const t3 = performance.now();' +
      `${REPORT}JSON.stringify({ rss: process.memoryUsage().rss, require: t1 - t0, construct: t2 - t1, plainScheme: t3 - t2 }))`,
  },
  'co-wechat-api': {
    cwd: HERE,
    code:
      "const API = require('co-wechat-api');" +
      "const api = new API('wxbench0000000001', 'bench-secret');" +
      `${REPORT}String(process.memoryUsage().rss))`,
  },
};

function timeNode(kind) {
  const { code, cwd } = COLD[kind];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', code], { cwd: cwd || opts.project, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`cold start ${kind} failed: ${r.stderr}`);
  if (!r.stdout) return { ms, rss: null };
  const out = JSON.parse(r.stdout);
  return typeof out === 'number' ? { ms, rss: out } : { ms, ...out };
}

function coldStart() {
  const kinds = ['bare', 'bareRss', 'mpl', ...(hasCoWechat ? ['co-wechat-api'] : [])];
  const runs = Object.fromEntries(kinds.map((k) => [k, []]));
  for (const k of kinds) timeNode(k); // page cache, code cache
  for (let i = 0; i < opts.coldRuns; i++) {
    const order = kinds.map((_, j) => kinds[(j + i) % kinds.length]);
    for (const k of order) runs[k].push(timeNode(k));
  }
  const ms = (k) => median(runs[k].map((r) => r.ms));
  const rss = (k) => median(runs[k].map((r) => r.rss));
  const out = { runs: opts.coldRuns, bareMs: ms('bare'), bareRssBytes: rss('bareRss') };
  for (const k of kinds.filter((k) => !k.startsWith('bare'))) {
    out[k] = { ms: ms(k), overMs: ms(k) - ms('bare'), rssBytes: rss(k), overRssBytes: rss(k) - rss('bareRss') };
  }
  out.mpl.phases = Object.fromEntries(['require', 'construct', 'plainScheme'].map((p) => [p, median(runs.mpl.map((r) => r[p]))]));
  return out;
}

// ---- sizes ----
function duBytes(dir) {
  // Apparent size of every file (what npm's "unpacked size" counts) and the disk blocks (du -sk).
  let apparent = 0;
  let files = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        apparent += fs.statSync(p).size;
        files += 1;
      }
    }
  };
  walk(dir);
  const du = spawnSync('du', ['-sk', dir], { encoding: 'utf8' });
  const diskKb = du.status === 0 ? Number(du.stdout.split(/\s/)[0]) : null;
  return { apparent, diskKb, files };
}

function installedPackages(nodeModules) {
  // Every package folder under node_modules (scoped ones too), recursively.
  const found = [];
  const visit = (nm) => {
    if (!fs.existsSync(nm)) return;
    for (const e of fs.readdirSync(nm, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dirs = e.name.startsWith('@') ? fs.readdirSync(path.join(nm, e.name)).map((n) => path.join(e.name, n)) : [e.name];
      for (const d of dirs) {
        found.push(d);
        visit(path.join(nm, d, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return found;
}

function sizes() {
  const pkgDir = path.join(opts.project, 'node_modules', 'miniprogram-links');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const wasmFile = fs.readdirSync(pkgDir).find((f) => f.endsWith('.wasm'));
  const wasm = fs.readFileSync(path.join(pkgDir, wasmFile));
  const others = installedPackages(path.join(opts.project, 'node_modules')).filter((n) => n !== 'miniprogram-links');
  const out = {
    wasmRaw: wasm.length,
    wasmGzip: zlib.gzipSync(wasm, { level: 9 }).length,
    tarball: opts.tarball && fs.existsSync(opts.tarball) ? fs.statSync(opts.tarball).size : null,
    installed: duBytes(pkgDir),
    dependencies: Object.keys(pkg.dependencies || {}).length,
    installedPackagesBesides: others.length,
  };
  if (hasCoWechat) {
    const nm = path.join(HERE, 'node_modules');
    const all = installedPackages(nm);
    const cw = JSON.parse(fs.readFileSync(path.join(nm, 'co-wechat-api', 'package.json'), 'utf8'));
    out.coWechatApi = {
      version: cw.version,
      installed: duBytes(nm), // benches/node_modules holds co-wechat-api and its tree only
      dependencies: Object.keys(cw.dependencies || {}).length,
      packagesInTree: all.length - 1,
    };
  }
  return out;
}

// ---- JS <-> wasm crossings ----
function crossings(server) {
  const r = spawnSync(process.execPath, [path.join(HERE, 'crossings.cjs'), JSON.stringify({ url: server.url, project: opts.project })], {
    cwd: HERE, env: CHILD_ENV, encoding: 'utf8', timeout: 120000,
  });
  if (r.status !== 0) throw new Error(`crossings failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function jsonProbe(dir) {
  const r = spawnSync(process.execPath, [path.join(HERE, 'json-probe', 'bench.cjs'), dir, opts.quick ? 'quick' : 'full'], {
    cwd: HERE, encoding: 'utf8', timeout: 300000,
  });
  if (r.status !== 0) throw new Error(`json probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---- report ----
const f0 = (x) => (x == null || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(1));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const signed = (x, unit, fmt = f1) => (x == null || Number.isNaN(x) ? '—' : `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x))} ${unit}`);

function report(r) {
  const lines = [];
  const t = r.throughput.summary;
  const cpu = os.cpus();
  lines.push(
    `Machine: ${cpu.length} × ${cpu[0] ? cpu[0].model.trim() : 'cpu'}, ${mb(os.totalmem()).replace('.0 MB', ' MB')} RAM, ${os.type()} ${os.release()}, Node ${process.version}; ` +
      `load average at start ${r.loadavg.map((x) => x.toFixed(2)).join(' ')}.`
  );
  lines.push(
    `Throughput: ${opts.calls.toLocaleString('en-US')} calls of \`urlscheme.generate\` (cached token) at concurrency ${opts.concurrency} after ${opts.warmup.toLocaleString('en-US')} warm-up calls, ` +
      `${opts.rounds} interleaved round${opts.rounds === 1 ? '' : 's'}, medians; loopback server \`benches/server.cjs --kind ${r.server.kind}${opts.tls ? ' --tls' : ''}\` ` +
      `(${f1(r.throughput.serverUsPerRequest)} µs CPU per request, at most ${Math.round(Math.max(...Object.values(t).map((s) => s.serverBusy)) * 100)}% of a core).` +
      ` Cold start: ${r.cold.runs} runs each, medians.`
  );
  lines.push('');
  lines.push('| client | calls/s | vs node:http | CPU µs/call | peak RSS (throughput run) | cold start over `node -e 0` | RSS over bare node | install size, deps |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
  const s = r.sizes;
  for (const c of contenders) {
    const x = t[c];
    let cold = '—';
    let rss = '—';
    let install = '—';
    if (c === 'mpl') {
      cold = signed(r.cold.mpl.overMs, 'ms');
      rss = signed(r.cold.mpl.overRssBytes / 1048576, 'MB');
      install = `${kb(s.installed.apparent)}, ${s.dependencies} deps`;
    } else if (c === 'co-wechat-api' && r.cold['co-wechat-api']) {
      cold = signed(r.cold['co-wechat-api'].overMs, 'ms');
      rss = signed(r.cold['co-wechat-api'].overRssBytes / 1048576, 'MB');
      install = `${mb(s.coWechatApi.installed.apparent)}, ${s.coWechatApi.packagesInTree} packages (${s.coWechatApi.dependencies} direct)`;
    }
    lines.push(`| ${LABEL[c]} | ${f0(x.callsPerSecond)} | ${x.ratio == null ? '—' : `${Math.round(x.ratio * 100)} %`} | ${f1(x.cpuUsPerCall)} | ${(x.maxRssKb / 1024).toFixed(0)} MB | ${cold} | ${rss} | ${install} |`);
  }
  if (t['mpl-observed'] && t.mpl) {
    lines.push('');
    lines.push(`Publishing on \`node:diagnostics_channel\`: a subscriber on both channels costs ${signed(t['mpl-observed'].cpuUsPerCall - t.mpl.cpuUsPerCall, 'µs')} CPU per call ` +
      `(${signed((t['mpl-observed'].callsPerSecond / t.mpl.callsPerSecond - 1) * 100, '%', f0)} calls/s) against none, in the same rounds; with none, a call asks \`observes\` once per attempt and builds nothing (\`out: observes\` in the crossings).`);
  }
  lines.push('');
  const ph = r.cold.mpl.phases;
  lines.push(`\`node -e 0\`: ${f1(r.cold.bareMs)} ms, ${mb(r.cold.bareRssBytes)} RSS. ` +
    `miniprogram-links' cold start inside the process: \`require\` ${f1(ph.require)} ms (the .wasm compiled and instantiated), \`new WeChatClient\` ${f1(ph.construct)} ms, first \`plainScheme\` ${f1(ph.plainScheme)} ms.`);
  lines.push('');
  lines.push(
    `Sizes: ` +
    `miniprogram-links \`.wasm\` ${kb(s.wasmRaw)} raw, ${kb(s.wasmGzip)} gzip -9; tarball ${s.tarball ? kb(s.tarball) : '—'}; ` +
    `installed ${kb(s.installed.apparent)} in ${s.installed.files} files (${s.installed.diskKb} KB on disk); ${s.dependencies} dependencies, ${s.installedPackagesBesides} other packages installed with it.`);
  if (r.crossings) {
    const x = r.crossings;
    lines.push('');
    lines.push(`JS↔wasm crossings per \`urlscheme.generate\` (cached token, default transport): ${f1(x.sequential.perCall.total)} ` +
      `(${f1(x.sequential.perCall.exports)} calls into wasm, ${f1(x.sequential.perCall.imports)} calls out of it) one at a time; ` +
      `${f1(x.concurrent.perCall.total)} at concurrency ${x.concurrent.concurrency}.`);
    lines.push('');
    lines.push('| crossing (one call at a time) | per call |');
    lines.push('|---|---:|');
    const shown = x.sequential.top.slice(0, 8);
    const rest = x.sequential.top.slice(8);
    for (const [name, n] of shown) lines.push(`| \`${name}\` | ${f1(n)} |`);
    if (rest.length) lines.push(`| ${rest.length} other kinds (${rest.map(([name]) => name.replace(/^(in|out): /, '')).join(', ')}) | ${f1(rest.reduce((a, [, n]) => a + n, 0))} |`);
  }
  if (r.jsonProbe) {
    lines.push('');
    lines.push(...r.jsonProbe.markdown);
  }
  if (skipped.length) {
    lines.push('');
    lines.push(`Skipped: ${skipped.join('; ')}.`);
  }
  return lines.join('\n');
}

// ---- main ----
const result = { options: opts, loadavg: os.loadavg(), node: process.version };
const server = await startServer(opts.server);
try {
  result.server = { kind: server.kind };
  if (opts.serverCheck) {
    // How fast is each server kind with the fastest client? (Say which is the bottleneck.)
    const check = {};
    for (const kind of ['raw', 'http']) {
      const s = kind === server.kind ? server : await startServer(kind);
      const rounds = [];
      for (let i = 0; i < Math.max(1, Math.min(3, opts.rounds)); i++) {
        const before = await serverStats(s);
        const r = runClient('node-http', s.url);
        const after = await serverStats(s);
        const us = (after.cpuUs - before.cpuUs) / (after.requests - before.requests - 1);
        rounds.push({ callsPerSecond: r.callsPerSecond, serverUsPerRequest: us, serverBusy: (us * r.callsPerSecond) / 1e6 });
      }
      if (s !== server) s.child.kill('SIGTERM');
      check[kind] = {
        callsPerSecond: median(rounds.map((x) => x.callsPerSecond)),
        serverUsPerRequest: median(rounds.map((x) => x.serverUsPerRequest)),
        serverBusy: median(rounds.map((x) => x.serverBusy)),
      };
      log(`server check: ${kind}: node-http client ${check[kind].callsPerSecond.toFixed(0)} calls/s, server ${check[kind].serverUsPerRequest.toFixed(1)} µs/request, ${Math.round(check[kind].serverBusy * 100)}% busy`);
    }
    result.serverCheck = check;
  }
  log(`throughput: ${contenders.join(', ')}; ${opts.rounds} round(s) of ${opts.calls} calls at concurrency ${opts.concurrency}`);
  result.throughput = await throughput(server);
  if (opts.crossings) {
    log('crossings: counting JS<->wasm calls per urlscheme.generate');
    result.crossings = crossings(server);
  }
} finally {
  server.child.kill('SIGTERM');
}
log(`cold start: ${opts.coldRuns} interleaved runs each`);
result.cold = coldStart();
result.sizes = sizes();
if (opts.jsonProbe) {
  log('json probe: JSON text (src/json.rs) vs serde-wasm-bindgen values');
  result.jsonProbe = jsonProbe(opts.jsonProbe);
}
result.markdown = report(result);
if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${result.markdown}\n`);
