// A minimal WHATWG-fetch-shaped function over node:http, for tests that need a
// well-behaved custom `fetch` on every Node version (Node 16 has no global
// fetch). Loopback only: it refuses any host but 127.0.0.1 / localhost / [::1].
import http from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function loopbackFetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
      reject(new TypeError('loopbackFetch: only http://127.0.0.1 (the emulator) is allowed'));
      return;
    }
    const signal = init.signal;
    if (signal && signal.aborted) {
      reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
      return;
    }
    const req = http.request(target, { method: init.method || 'GET', headers: init.headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300, text: () => Promise.resolve(body) });
      });
    });
    req.on('error', reject);
    if (signal && typeof signal.addEventListener === 'function') {
      signal.addEventListener('abort', () => req.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), { once: true });
    }
    if (init.body !== undefined && init.body !== null) req.write(init.body);
    req.end();
  });
}
