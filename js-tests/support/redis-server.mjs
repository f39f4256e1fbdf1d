// A throwaway redis-server on 127.0.0.1 for js-tests/redis.test.mjs, and the
// Redis client libraries (ioredis, node-redis) installed for the tests only.
//
// redis-server: found on PATH (or in /usr/bin, /usr/sbin), else installed from
// the Debian package:
//   apt-get install -y --no-install-recommends redis-server
// (with `apt-get update` first only if that install fails). Only when apt-get
// itself is missing does startRedis() answer { skip } instead of a server.
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

/** Sends one inline command over a new connection; resolves to the first reply line (or null). */
export function rawCommand(port, line, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\r\n');
      if (end >= 0) done(data.slice(0, end));
    });
    socket.on('error', () => done(null));
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts redis-server on 127.0.0.1 on a free port, no persistence, and waits
 * until it answers PING. Resolves to
 *   { port, url, binary, stop() }   or   { skip: reason }.
 * stop(): SIGTERM, then SIGKILL after 3 s; resolves once the process is gone.
 */
export async function startRedis() {
  const found = ensureRedisServer();
  if (found.skip) return found;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'miniprogram-links-redis-'));
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      found.binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''],
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
        child.kill('SIGTERM');
        const killer = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, 3000);
        await exit;
        clearTimeout(killer);
      }
      process.removeListener('exit', onExit);
      fs.rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) {
      if ((await rawCommand(port, 'PING', 500)) === '+PONG') {
        return { port, url: `redis://127.0.0.1:${port}`, binary: found.binary, stop, log: () => log };
      }
      await sleep(50);
    }
    lastLog = log;
    await stop();
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not answer PING on 127.0.0.1:\n${lastLog}`);
}

export const CLIENT_PACKAGES = ['ioredis@5', 'redis@4'];

export function depsDir() {
  return process.env.MINIPROGRAM_LINKS_REDIS_DEPS || path.join(os.tmpdir(), 'miniprogram-links-test-deps');
}

function loadable(dir) {
  try {
    const req = createRequire(path.join(dir, 'package.json'));
    req.resolve('ioredis');
    req.resolve('redis');
    return req;
  } catch (_) {
    return null;
  }
}

/**
 * ioredis and node-redis from the cache folder, installing them there first if
 * needed. Resolves to { Redis (ioredis), createClient (node-redis), dir } or
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
  const { createClient } = req('redis');
  return { Redis: Redis.default || Redis, createClient, dir };
}
