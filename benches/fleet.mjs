// The fleet benchmark: processes holding one appid, each running generateMany
// of URL Schemes at its own default rate (90/s, so together several times the
// platform's 100/s), sharing `redisRateLimiter` on a real Redis, against the
// emulator enforcing 100 a second per appid in fixed windows (44990 past it).
// Reports the fleet's achieved rate in the whole seconds of the run (the first
// and the last, partly used, left out) as a fraction of the platform's limit,
// and the 44990s (target: >= 85 % of the limit, zero 44990).
//
//   node benches/fleet.mjs --project DIR [--quick] [--workers N] [--links N]
//
// DIR has the packed package installed and js-tests/ copied in (scripts/bench
// does both): the workers are js-tests/support/redis-worker.mjs, Redis is
// started as the tests start it (js-tests/support/redis-server.mjs).
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

function parseArgs(argv) {
  const o = { project: null, quick: false, workers: 4, links: 400 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--project') o.project = argv[++i];
    else if (a === '--workers') o.workers = Number(argv[++i]);
    else if (a === '--links') o.links = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.project) throw new Error('--project DIR is required');
  if (o.quick) Object.assign(o, { workers: 2, links: 150 });
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const support = (file) => import(pathToFileURL(path.join(opts.project, 'js-tests', 'support', file)).href);
const { startRedis, redisClientLibraries } = await support('redis-server.mjs');
const { startWorkers } = await support('redis-workers.mjs');
const { startEmulator } = createRequire(path.join(opts.project, 'package.json'))('./js-tests/emulator/index.cjs');

const PLATFORM_LIMIT = 100; // URL Scheme, per second per appid

const libs = redisClientLibraries();
if (libs.skip) throw new Error(libs.skip);
const server = await startRedis();
if (server.skip) throw new Error(server.skip);
try {
  const emu = await startEmulator({ port: 0, rateLimits: true, dailyQuota: 1_000_000 });
  try {
    const workers = await startWorkers(opts.workers, { emu, redisUrl: server.url, libs, retries: 2, env: { MPL_RATE_LIMITER: 'redis' } });
    let results;
    try {
      results = await Promise.all(workers.map((w) => w.many(opts.links)));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const failed = results.reduce((n, r) => n + r.failures.length, 0);
    const counts = new Map();
    for (const r of emu.requests.filter((q) => q.path === '/wxa/generatescheme')) {
      const second = Math.floor(r.time / 1000);
      counts.set(second, (counts.get(second) || 0) + 1);
    }
    const perSecond = [...counts.keys()].sort((a, b) => a - b).map((s) => counts.get(s));
    const whole = perSecond.slice(1, -1);
    const achieved = whole.reduce((a, b) => a + b, 0) / Math.max(1, whole.length);
    const line =
      `Fleet (\`node benches/fleet.mjs${opts.quick ? ' --quick' : ''}\`): ${opts.workers} processes x ${opts.links} URL Schemes through generateMany, ` +
      `redisRateLimiter (share 0.9) on one Redis, emulator limit ${PLATFORM_LIMIT}/s per appid: ` +
      `${Math.round(achieved)}/s in the whole seconds (${Math.round((achieved / PLATFORM_LIMIT) * 100)} % of the limit; per second ${perSecond.join(', ')}), ` +
      `${emu.rateRefusals()} x 44990, ${failed} failed calls.`;
    console.log(line);
  } finally {
    await emu.close();
  }
} finally {
  await server.stop();
}
