// A throwaway redis-server on 127.0.0.1 (or a 3-node Redis Cluster) for
// js-tests/redis.test.mjs, and the Redis client libraries (ioredis,
// node-redis) installed for the tests only.
//
// redis-server: found on PATH (or in /usr/bin, /usr/sbin), else installed from
// the Debian package:
//   apt-get install -y --no-install-recommends redis-server
// (with `apt-get update` first only if that install fails). Only when apt-get
// itself is missing does startRedis() answer { skip } instead of a server.
// startRedisCluster() also needs redis-cli, from redis-tools (which
// redis-server depends on; installed on its own if only it is missing).
//
// Client libraries: installed once into a cache folder outside the project
// (MINIPROGRAM_LINKS_REDIS_DEPS, default $TMPDIR/miniprogram-links-test-deps):
//   npm install --no-save --no-audit --no-fund --no-package-lock --prefix <dir> ioredis@5 redis@4
// and loaded from there with createRequire. Neither becomes a dependency of
// the package.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const SEARCH = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/bin', '/sbin'];

function executable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch (_) {
    return false;
  }
}

/** The full path of `name` on PATH (then the usual system folders), or null. */
export function which(name) {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean).concat(SEARCH);
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (executable(file)) return file;
  }
  return null;
}

function run(command, args, timeoutMs) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout || ''}${result.stderr || ''}`;
  return { ok: result.status === 0, output: result.error ? `${result.error.message}\n${output}` : output };
}

/**
 * The path of a redis-server binary, installing the Debian package if needed.
 * Resolves to { binary } or { skip: reason } (apt-get unavailable); throws
 * when apt-get is there but the install fails.
 */
export function ensureRedisServer() {
  let binary = which('redis-server');
  if (binary) return { binary };
  const apt = which('apt-get');
  if (!apt) return { skip: 'redis-server is not installed and apt-get is not available to install it' };
  const install = () => run(apt, ['install', '-y', '--no-install-recommends', 'redis-server'], 300_000);
  let attempt = install();
  if (!attempt.ok) {
    const update = run(apt, ['update'], 300_000);
    if (!update.ok) throw new Error(`apt-get update failed:\n${update.output.slice(-2000)}`);
    attempt = install();
  }
  binary = which('redis-server');
  if (!attempt.ok || !binary) {
    throw new Error(`apt-get install redis-server failed:\n${attempt.output.slice(-2000)}`);
  }
  return { binary };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Sends one inline command over a new connection; resolves to what `read`
 * makes of the bytes so far once it returns something other than undefined
 * (null: no answer in time, or none it can read).
 */
function inline(port, line, timeoutMs, read) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    const done = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const value = read(data);
      if (value !== undefined) done(value);
    });
    socket.on('error', () => done(null));
  });
}

/** Sends one inline command; resolves to the first reply line (or null). */
export function rawCommand(port, line, timeoutMs = 1000) {
  return inline(port, line, timeoutMs, (data) => {
    const end = data.indexOf('\r\n');
    return end < 0 ? undefined : data.subarray(0, end).toString('utf8');
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A process's state letter from /proc (`T`: stopped), or null where there is none. */
function processState(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch (_) {
    return null;
  }
}

/**
 * Spawns one redis-server on 127.0.0.1:`port` (no persistence, files in `dir`,
 * plus `extra` arguments). Resolves to
 *   { child, pid, exited(), stop(), pause(), resume(), log() }
 * stop(): SIGCONT (in case it is paused), SIGTERM, then SIGKILL after 3 s;
 * resolves once the process is gone. pause()/resume(): SIGSTOP/SIGCONT, so
 * that clients' commands wait, unanswered, until resume(); pause() resolves
 * once the process is stopped.
 */
function spawnServer(binary, port, dir, extra = []) {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  // Never outlive the test process, whatever happens to it.
  const onExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  const exit = new Promise((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (err) => {
      log += `\nspawn error: ${err.message}`;
      exited = true;
      resolve();
    });
  });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 3000);
      await exit;
      clearTimeout(killer);
    }
    process.removeListener('exit', onExit);
  };
  return {
    child,
    pid: child.pid,
    exited: () => exited,
    stop,
    pause: async () => {
      if (exited) return;
      child.kill('SIGSTOP');
      // Stopped for sure before anything is sent to it (Linux: /proc tells).
      for (let i = 0; i < 200 && !exited; i++) {
        const state = processState(child.pid);
        if (state === null || state === 'T') return;
        await sleep(10);
      }
    },
    resume: () => {
      if (!exited) child.kill('SIGCONT');
    },
    log: () => log,
  };
}

/**
 * Starts redis-server on 127.0.0.1 on a free port, no persistence, and waits
 * until it answers PING. Resolves to
 *   { port, url, binary, stop(), pause(), resume(), log() }   or   { skip: reason }.
 * stop(): SIGTERM, then SIGKILL after 3 s; resolves once the process is gone.
 * pause()/resume(): SIGSTOP/SIGCONT the server (commands wait meanwhile);
 * pause() resolves once it is stopped.
 */
export async function startRedis() {
  const found = ensureRedisServer();
  if (found.skip) return found;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'miniprogram-links-redis-'));
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = spawnServer(found.binary, port, dir);
    const stop = async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 10_000;
    while (!server.exited() && Date.now() < deadline) {
      if ((await rawCommand(port, 'PING', 500)) === '+PONG') {
        return { port, url: `redis://127.0.0.1:${port}`, binary: found.binary, stop, pause: server.pause, resume: server.resume, log: server.log };
      }
      await sleep(50);
    }
    lastLog = server.log();
    await stop();
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not answer PING on 127.0.0.1:\n${lastLog}`);
}

/** Sends one inline command; resolves to the whole of a bulk-string reply (or null). */
export function rawBulk(port, line, timeoutMs = 1000) {
  return inline(port, line, timeoutMs, (data) => {
    const end = data.indexOf('\r\n');
    if (end < 0) return undefined;
    const length = data[0] === 0x24 /* $ */ ? Number(data.subarray(1, end).toString('latin1')) : NaN;
    if (!(length >= 0)) return null;
    return data.length >= end + 2 + length ? data.subarray(end + 2, end + 2 + length).toString('utf8') : undefined;
  });
}

/** The fields of CLUSTER INFO from the node on `port` ({} when it does not answer). */
export async function clusterInfo(port) {
  const text = await rawBulk(port, 'CLUSTER INFO');
  const info = {};
  for (const line of (text || '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return info;
}

/** A free port P whose cluster bus port (P + 10000) is free too. */
async function freeClusterPort(taken) {
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    if (port + 10000 > 65535 || taken.has(port) || taken.has(port + 10000)) continue;
    const bus = await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 10000, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (bus) return port;
  }
  throw new Error('no free port with a free cluster bus port (+10000) on 127.0.0.1');
}

/** redis-cli (Debian: redis-tools, which redis-server depends on), or null. */
function ensureRedisCli() {
  let cli = which('redis-cli');
  if (cli) return cli;
  const apt = which('apt-get');
  if (!apt) return null;
  run(apt, ['install', '-y', '--no-install-recommends', 'redis-tools'], 300_000);
  cli = which('redis-cli');
  return cli;
}

/**
 * Starts a 3-master Redis Cluster on 127.0.0.1 (no replicas, no persistence):
 * three redis-server processes with `--cluster-enabled yes`, joined by
 *   redis-cli --cluster create 127.0.0.1:P1 127.0.0.1:P2 127.0.0.1:P3 --cluster-replicas 0 --cluster-yes
 * and waits until every node's CLUSTER INFO says cluster_state:ok with all
 * 16384 slots and 3 nodes. Resolves to
 *   { nodes: [{ host, port, pause(), resume() }], ports, urls, stop() }   or   { skip: reason }.
 * stop() stops all three (SIGTERM, then SIGKILL after 3 s) and removes their files.
 */
export async function startRedisCluster() {
  const found = ensureRedisServer();
  if (found.skip) return found;
  const cli = ensureRedisCli();
  if (!cli) return { skip: 'redis-cli is not installed (Debian: redis-tools) and apt-get is not available to install it' };
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'miniprogram-links-redis-cluster-'));
    const taken = new Set();
    const servers = [];
    const stop = async () => {
      await Promise.all(servers.map((s) => s.stop()));
      fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
      for (let i = 0; i < 3; i++) {
        const port = await freeClusterPort(taken);
        taken.add(port).add(port + 10000);
        const server = spawnServer(found.binary, port, dir, [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', path.join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '5000',
        ]);
        servers.push({ ...server, port });
      }
      for (const server of servers) {
        const deadline = Date.now() + 10_000;
        while (!server.exited() && Date.now() < deadline && (await rawCommand(server.port, 'PING', 500)) !== '+PONG') await sleep(50);
        if ((await rawCommand(server.port, 'PING', 500)) !== '+PONG') throw new Error(`redis-server on ${server.port} did not answer PING:\n${server.log()}`);
      }
      const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
      const create = run(cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], 60_000);
      if (!create.ok) throw new Error(`redis-cli --cluster create failed:\n${create.output.slice(-2000)}`);
      const deadline = Date.now() + 20_000;
      let infos = [];
      while (Date.now() < deadline) {
        infos = await Promise.all(servers.map((s) => clusterInfo(s.port)));
        const ready = infos.every((info) => info.cluster_state === 'ok' && info.cluster_slots_ok === '16384' && info.cluster_known_nodes === '3');
        if (ready) {
          return {
            nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port, pause: s.pause, resume: s.resume })),
            ports: servers.map((s) => s.port),
            urls: servers.map((s) => `redis://127.0.0.1:${s.port}`),
            stop,
          };
        }
        await sleep(100);
      }
      throw new Error(`the cluster did not reach cluster_state:ok in 20 s: ${JSON.stringify(infos)}`);
    } catch (err) {
      lastError = err.message;
      await stop();
    }
  }
  throw new Error(`could not start a Redis Cluster on 127.0.0.1: ${lastError}`);
}

export const CLIENT_PACKAGES = ['ioredis@5', 'redis@4'];

export function depsDir() {
  return process.env.MINIPROGRAM_LINKS_REDIS_DEPS || path.join(os.tmpdir(), 'miniprogram-links-test-deps');
}

function loadable(dir) {
  try {
    const req = createRequire(path.join(dir, 'package.json'));
    // Loaded, not just resolved: a half-installed cache (redis without its
    // @redis/* packages) is installed again.
    req('ioredis');
    req('redis');
    return req;
  } catch (_) {
    return null;
  }
}

/**
 * ioredis and node-redis from the cache folder, installing them there first if
 * needed. Resolves to { Redis (ioredis; Redis.Cluster), createClient and
 * createCluster (node-redis), dir } or
 * { skip } when npm is not available.
 */
export function redisClientLibraries() {
  const dir = depsDir();
  let req = loadable(dir);
  if (!req) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) {
      fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"miniprogram-links-test-deps","private":true}\n');
    }
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const probe = spawnSync(npm, ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) return { skip: 'npm is not available to install ioredis and redis for the test' };
    const result = run(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', '--prefix', dir, ...CLIENT_PACKAGES], 300_000);
    req = loadable(dir);
    if (!req) throw new Error(`npm install ${CLIENT_PACKAGES.join(' ')} into ${dir} failed:\n${result.output.slice(-2000)}`);
  }
  const Redis = req('ioredis');
  const { createClient, createCluster } = req('redis');
  return { Redis: Redis.default || Redis, createClient, createCluster, dir };
}

/**
 * Runs `fn(server, libs)` with the client libraries and a redis-server of its
 * own (startRedis(), stopped afterwards whatever happens), or skips `t` when
 * either cannot be had. The libraries first: if loading them throws, no server
 * is left running (a live child process would keep the file from ever exiting).
 */
export async function withRedis(t, fn) {
  const libs = redisClientLibraries();
  if (libs.skip) {
    t.skip(libs.skip);
    return;
  }
  const server = await startRedis();
  if (server.skip) {
    t.skip(server.skip);
    return;
  }
  try {
    await fn(server, libs);
  } finally {
    await server.stop();
  }
}
