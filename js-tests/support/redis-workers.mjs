// Processes holding one appid, for the tests of what they share through Redis
// (redis.test.mjs: the token; fleet-redis.test.mjs: the limits): each a
// js-tests/support/redis-worker.mjs child, driven over IPC.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'redis-worker.mjs');

class Worker {
  constructor(env) {
    this.stderr = '';
    this.child = fork(WORKER, [], {
      // Not the test runner's flags: the worker is a plain program.
      execArgv: [],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr.on('data', (c) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-4000);
    });
    this.pending = new Map();
    this.nextId = 0;
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker not ready in 20 s: ${this.stderr}`)), 20_000);
      this.child.on('message', (msg) => {
        if (msg && msg.ready) {
          clearTimeout(timer);
          resolve();
        } else if (msg && this.pending.has(msg.id)) {
          this.pending.get(msg.id)(msg);
          this.pending.delete(msg.id);
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code ?? signal}): ${this.stderr}`));
        for (const done of this.pending.values()) done({ ok: 0, failures: [{ code: 'WORKER_EXITED', message: this.stderr }] });
        this.pending.clear();
      });
    });
    this.ready.catch(() => {});
  }

  /** n concurrent urllink.generate calls in the worker: { ok, failures, ms }. */
  burst(n) {
    return this.ask({ cmd: 'burst', n });
  }

  /** generateMany of n URL Schemes in the worker: { ok, failures, ms }. */
  many(n) {
    return this.ask({ cmd: 'many', n });
  }

  ask(message) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, ...message });
    });
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      this.child.send({ cmd: 'exit' });
    } catch (_) {
      // the channel is already gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function startWorkers(count, { emu, redisUrl, libs, timeoutMs = 2000, retries = 0, env = {} }) {
  const { appid, secret } = emu.credentials.wechat;
  const workers = [];
  for (let i = 0; i < count; i++) {
    workers.push(
      new Worker({
        MPL_EMU_URL: emu.url,
        MPL_APPID: appid,
        MPL_SECRET: secret,
        MPL_REDIS_URL: redisUrl,
        // Both client libraries share the same store: half the instances each.
        MPL_REDIS_LIB: i % 2 === 0 ? 'ioredis' : 'redis',
        MPL_REDIS_DEPS: libs.dir,
        MPL_TIMEOUT_MS: String(timeoutMs),
        MPL_RETRIES: String(retries),
        MPL_WORKER: String(i),
        ...env,
      }),
    );
  }
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (err) {
    await Promise.all(workers.map((w) => w.stop()));
    throw err;
  }
  return workers;
}
