// A real HTTP CONNECT proxy (the npm package `proxy`, TooTallNate's) on
// 127.0.0.1, a TLS front for the emulator (the test certificate in
// js-tests/support/tls), and undici (fetch + ProxyAgent), for
// js-tests/proxy.test.mjs.
//
// Libraries: installed once into a cache folder outside the project
// (MINIPROGRAM_LINKS_PROXY_DEPS, default $TMPDIR/miniprogram-links-proxy-deps;
// not the Redis tests' folder: an `npm install --no-save` there would prune
// the packages it did not name):
//   npm install --no-save --no-audit --no-fund --no-package-lock --prefix <dir> \
//     proxy@2 undici-v5@npm:undici@5 undici-v6@npm:undici@6 undici-v7@npm:undici@7 undici-v8@npm:undici@8
// and loaded from there with createRequire. None becomes a dependency of the
// package. proxy@2 is the last CommonJS major (>= 14; 3 is ESM-only, 4 needs
// Node 20). Each undici major supports a different range of Node versions
// (5: >= 14, 6: >= 18.17, 7: >= 20.18.1, 8: >= 22.19): the test uses the
// newest one the running Node supports, i.e. what `npm install undici` gives a
// user there (or would have), so the Node 16 / 18 / 20 / 22 runs cover them all.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const UNDICI_MAJORS = [8, 7, 6, 5];
export const PROXY_PACKAGES = ['proxy@2', ...UNDICI_MAJORS.map((m) => `undici-v${m}@npm:undici@${m}`)];

const TLS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls');
/** The test CA (a self-signed certificate for 127.0.0.1 and localhost). */
export const TEST_CA = fs.readFileSync(path.join(TLS_DIR, 'cert.pem'));
const TEST_KEY = fs.readFileSync(path.join(TLS_DIR, 'key.pem'));

export function proxyDepsDir() {
  return process.env.MINIPROGRAM_LINKS_PROXY_DEPS || path.join(os.tmpdir(), 'miniprogram-links-proxy-deps');
}

function loadable(dir) {
  try {
    const req = createRequire(path.join(dir, 'package.json'));
    for (const name of ['proxy', ...UNDICI_MAJORS.map((m) => `undici-v${m}`)]) req.resolve(name);
    return req;
  } catch (_) {
    return null;
  }
}

/** `>=A.B.C` (the only shape undici's `engines.node` takes) against the running Node. */
function satisfiesAtLeast(range, version = process.versions.node) {
  const m = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range || '');
  if (!m) return false;
  const want = [m[1], m[2] || 0, m[3] || 0].map(Number);
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== want[i]) return have[i] > want[i];
  }
  return true;
}

/**
 * The `proxy` package and the newest undici major the running Node supports,
 * installing them into the cache folder first if needed. Returns
 * { createProxy, undici: { fetch, ProxyAgent }, undiciVersion, proxyVersion, dir }
 * or { skip } when npm is not available; throws when the install fails.
 */
export function proxyLibraries() {
  const dir = proxyDepsDir();
  let req = loadable(dir);
  if (!req) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) {
      fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"miniprogram-links-proxy-deps","private":true}\n');
    }
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const probe = spawnSync(npm, ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) return { skip: 'npm is not available to install proxy and undici for the test' };
    const result = spawnSync(
      npm,
      ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', '--prefix', dir, ...PROXY_PACKAGES],
      { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
    );
    req = loadable(dir);
    if (!req) {
      const output = `${result.error ? result.error.message : ''}\n${result.stdout || ''}${result.stderr || ''}`;
      throw new Error(`npm install ${PROXY_PACKAGES.join(' ')} into ${dir} failed:\n${output.slice(-2000)}`);
    }
  }
  const manifest = (name) => JSON.parse(fs.readFileSync(req.resolve(`${name}/package.json`), 'utf8'));
  const major = UNDICI_MAJORS.find((m) => satisfiesAtLeast((manifest(`undici-v${m}`).engines || {}).node)) || 5;
  const undici = req(`undici-v${major}`);
  const { createProxy } = req('proxy');
  return {
    createProxy,
    undici: { fetch: undici.fetch, ProxyAgent: undici.ProxyAgent },
    undiciVersion: manifest(`undici-v${major}`).version,
    proxyVersion: manifest('proxy').version,
    dir,
  };
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  });
}

/** Closes `server` and destroys every socket it accepted; bounded at 5 s. */
function closeServer(server, sockets) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5000);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  });
}

function basic(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Starts the `proxy` package's server on 127.0.0.1 (ephemeral port). With
 * `user` and `password`, it demands Basic proxy credentials (407 otherwise).
 * Resolves to
 *   { port, url, seen, plaintext(), tunnelledBytes(), close() }
 * `seen`: every request it got, in order, `{ method, url, authorized }`
 * (CONNECT: url is `host:port`; a forwarded request: its absolute URL).
 * `plaintext()`: all it could read: the request lines and headers, and the
 * bytes clients sent through its CONNECT tunnels (`tunnelledBytes()`: how many).
 * `close()`: stops listening and destroys the open connections and tunnels.
 */
export async function startProxy(createProxy, { user, password } = {}) {
  const server = createProxy(http.createServer());
  const sockets = new Set();
  const seen = [];
  const clear = [];
  let tunnelled = 0;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // The package calls server.authenticate(req) for every request, CONNECT included.
  server.authenticate = (req) => {
    const authorized = !user || req.headers['proxy-authorization'] === basic(user, password);
    seen.push({ method: req.method, url: req.url, authorized });
    clear.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n`);
    return authorized;
  };
  // A second 'connect' listener, after the package's: it only listens to the
  // client's side of the tunnel (the package has paused the socket by then, so
  // adding a 'data' listener does not start the flow; its pipe() does).
  server.on('connect', (req, socket) => {
    socket.on('data', (chunk) => {
      tunnelled += chunk.length;
      clear.push(chunk.toString('latin1'));
    });
  });
  const port = await listen(server);
  return {
    port,
    url: user ? `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}` : `http://127.0.0.1:${port}`,
    seen,
    plaintext: () => clear.join(''),
    tunnelledBytes: () => tunnelled,
    close: () => closeServer(server, sockets),
  };
}

/**
 * A TLS front for the emulator (which serves plain http): terminates TLS with
 * the test certificate on 127.0.0.1 and pipes each connection to `targetPort`.
 * Resolves to { port, url: 'https://127.0.0.1:PORT', connections(), close() }.
 */
export async function startTlsFront(targetPort) {
  const sockets = new Set();
  let connections = 0;
  const server = tls.createServer({ cert: TEST_CA, key: TEST_KEY }, (clientSide) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const end = () => {
      clientSide.destroy();
      upstream.destroy();
    };
    clientSide.on('error', end);
    upstream.on('error', end);
    clientSide.on('close', end);
    upstream.on('close', end);
    clientSide.pipe(upstream);
    upstream.pipe(clientSide);
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A failed handshake (e.g. a client that does not trust the certificate) is not an error of the front.
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => closeServer(server, sockets),
  };
}

