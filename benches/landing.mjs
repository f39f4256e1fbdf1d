// The landing page's budgets (scripts/bench runs it after run.mjs):
//   the page with its QR code ≤ 16 KB gzip -9; rendering ≤ 1 ms;
//   createLandingHandler serving a cached page ≥ 75 % of the requests a second
//   of a bare node:http handler writing the same bytes.
// Each server in a process of its own (benches/landing-server.cjs), the load
// from this one: keep-alive, `--concurrency` requests in flight, rounds
// alternating bare and handler (which goes first rotates), medians.
//   node benches/landing.mjs --project DIR [--quick]
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const project = args[args.indexOf('--project') + 1];
const quick = args.includes('--quick');
const ROUNDS = quick ? 1 : 5;
const REQUESTS = quick ? 500 : 20000;
const CONCURRENCY = 32;
const RENDERS = quick ? 200 : 20000;

const { renderLandingPage } = createRequire(path.join(project, 'package.json'))('miniprogram-links');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the page ----
const options = {
  openlink: 'weixin://dl/business/?t=XTSkBZlzqmn',
  urlLink: 'https://wxaurl.cn/XTSkBZlzqmn',
  title: '春季特卖',
  description: '在微信中打开小程序，领取八折优惠券。',
  qrUrl: 'https://go.example.com/p/42',
};
const page = renderLandingPage(options);
const longQr = renderLandingPage({ ...options, qrUrl: `https://go.example.com/p/${'x'.repeat(200)}` });
const gzip = (text) => zlib.gzipSync(text, { level: 9 }).length;

// ---- rendering ----
for (let i = 0; i < Math.min(RENDERS, 2000); i++) renderLandingPage(options);
const batches = [];
for (let b = 0; b < 10; b++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < RENDERS / 10; i++) renderLandingPage(options);
  batches.push(Number(process.hrtime.bigint() - start) / (RENDERS / 10) / 1000);
}
const renderUs = median(batches);

// ---- serving ----
function startServer(kind) {
  const child = spawn(process.execPath, [path.join(HERE, 'landing-server.cjs'), kind, project], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (line) => resolve({ child, url: JSON.parse(line).url }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
}

async function load(url, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let left = count;
  const one = () =>
    new Promise((resolve, reject) => {
      http.get(url, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      await one();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return count / seconds;
}

const servers = { bare: await startServer('bare'), handler: await startServer('handler') };
const rates = { bare: [], handler: [] };
const ratios = [];
try {
  for (const kind of ['bare', 'handler']) await load(servers[kind].url, Math.min(REQUESTS, 2000)); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['bare', 'handler'] : ['handler', 'bare'];
    const got = {};
    for (const kind of order) got[kind] = await load(servers[kind].url, REQUESTS);
    rates.bare.push(got.bare);
    rates.handler.push(got.handler);
    ratios.push(got.handler / got.bare);
  }
} finally {
  for (const { child } of Object.values(servers)) child.kill();
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`\n### Landing page (benches/landing.mjs${quick ? ', --quick: no thresholds' : ''})\n`);
console.log('| | measured | budget |');
console.log('|---|---:|---:|');
console.log(`| page with its QR code (a 27-character URL), gzip -9 | ${kb(gzip(page))} (${kb(Buffer.byteLength(page))} raw) | ≤ 16 KB |`);
console.log(`| the same with a 224-character QR URL, gzip -9 | ${kb(gzip(longQr))} (${kb(Buffer.byteLength(longQr))} raw) | |`);
console.log(`| renderLandingPage, per page (median of 10 batches of ${RENDERS / 10}) | ${renderUs.toFixed(1)} µs | ≤ 1 ms |`);
console.log(`| bare node:http, the same bytes: requests/s (concurrency ${CONCURRENCY}, ${REQUESTS} × ${ROUNDS} rounds) | ${Math.round(median(rates.bare)).toLocaleString('en')} | |`);
console.log(`| createLandingHandler, cached page: requests/s | ${Math.round(median(rates.handler)).toLocaleString('en')} (${(median(ratios) * 100).toFixed(0)} % of bare) | ≥ 75 % |`);
