// `baseUrl` is read once, with WHATWG URL rules, and the host the package checks
// is the host its requests go to (CONTRACT.md, "`baseUrl`, and where credentials
// may go"). A listener on 127.0.0.2 stands in for a foreign host: URLs written
// to reach it behind a loopback-looking prefix must be refused at construction,
// or connect only to the emulator on 127.0.0.1 — on both clients, through the
// built-in transport and through a `fetch` that records the URL it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { withEmulator, WeChatClient, DouyinClient, inFuture } from './helpers.mjs';

/** A listener on 127.0.0.2 that counts connections and what arrived on them. */
async function startForeignHost() {
  const seen = { connections: 0, bytes: '' };
  const server = net.createServer((socket) => {
    seen.connections += 1;
    socket.on('data', (chunk) => {
      seen.bytes += chunk.toString('latin1');
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.2', resolve);
  });
  return { seen, port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A `fetch` over node:http (Node 16 has no global one) that records each URL. */
function recordingFetch(urls) {
  return (url, init) => {
    urls.push(url);
    return new Promise((resolve, reject) => {
      const request = http.request(url, { method: init.method, headers: init.headers, signal: init.signal }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, text: async () => text }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(init.body);
    });
  };
}

// `E` is the emulator's port, `F` the foreign listener's: each URL means to
// reach 127.0.0.2:F while looking (to a careless reader) like loopback.
const TRICKS = [
  'http://localhost:E@127.0.0.2:F',
  'http://127.0.0.1:E@127.0.0.2:F',
  'http://[::1]:E@127.0.0.2:F',
  'http://127.0.0.1%2f@127.0.0.2:F',
  'http://127.0.0.1:E\t@127.0.0.2:F',
  'http://127.0.0.1:E\\@127.0.0.2:F',
  'http://127.0.0.1:E/@127.0.0.2:F',
  'http://127.0.0.1:E?@127.0.0.2:F',
  'http://127.0.0.1:E#@127.0.0.2:F',
  'http://localhost.:E',
  'http://localhost%2e:E',
  'http://127.0.0.1.127.0.0.2.nip.io:E',
  'http://0x7f.1:E',
  'http://2130706433:E',
  'http://127.1:E',
  'http://[::ffff:127.0.0.1]:E',
  'http://[::ffff:127.0.0.2]:F',
  'http://%6c%6fcalhost:E',
  'http://%31%32%37.0.0.1:E',
  'HTTP://LOCALHOST:E',
  'HTTP://127.0.0.1:E',
  'http://ｌｏｃａｌｈｏｓｔ:E',
  'http://localhost。:E',
  ' http://127.0.0.1:E ',
  'http:127.0.0.1:E',
  'http:/127.0.0.1:E',
  'http:\\\\127.0.0.1:E',
  'https://localhost:80@example.com',
  'http://localhost:80@example.com',
];

// What must be refused at construction (the rest may connect, to loopback only).
const REFUSED = new Set([
  'http://localhost:E@127.0.0.2:F',
  'http://127.0.0.1:E@127.0.0.2:F',
  'http://[::1]:E@127.0.0.2:F',
  'http://127.0.0.1%2f@127.0.0.2:F',
  'http://127.0.0.1:E\t@127.0.0.2:F',
  'http://127.0.0.1:E?@127.0.0.2:F',
  'http://127.0.0.1:E#@127.0.0.2:F',
  'http://localhost.:E',
  'http://localhost%2e:E',
  'http://127.0.0.1.127.0.0.2.nip.io:E',
  'http://[::ffff:127.0.0.1]:E',
  'http://[::ffff:127.0.0.2]:F',
  'http://localhost。:E',
  'https://localhost:80@example.com',
  'http://localhost:80@example.com',
]);

const CLIENTS = {
  wechat: (emu, extra) => {
    const { appid, secret } = emu.credentials.wechat;
    return { client: new WeChatClient({ appid, secret, retries: 0, timeoutMs: 2000, ...extra }), secret };
  },
  'douyin v1': (emu, extra) => {
    const { appid, secret } = emu.credentials.douyin;
    return { client: new DouyinClient({ appid, secret, retries: 0, timeoutMs: 2000, ...extra }), secret };
  },
  'douyin v2': (emu, extra) => {
    const { appid, secret } = emu.credentials.douyin;
    return { client: new DouyinClient({ appid, secret, api: 'v2', retries: 0, timeoutMs: 2000, ...extra }), secret };
  },
};

function linkCall(name, client) {
  return name === 'wechat' ? client.urlscheme.generate() : client.urlLink.generate({ expireTime: inFuture(3600) });
}

for (const [name, make] of Object.entries(CLIENTS)) {
  for (const transport of ['built-in', 'fetch']) {
    test(`${name}, ${transport} transport: a tricky baseUrl is refused or reaches loopback only`, async () => {
      const foreign = await startForeignHost();
      try {
        await withEmulator(async (emu) => {
          const emuPort = new URL(emu.url).port;
          for (const trick of TRICKS) {
            const baseUrl = trick.replace(/:E\b/g, `:${emuPort}`).replace(/:F\b/g, `:${foreign.port}`);
            const urls = [];
            const extra = transport === 'fetch' ? { baseUrl, fetch: recordingFetch(urls) } : { baseUrl };
            let made;
            try {
              made = make(emu, extra);
            } catch (err) {
              assert.equal(err.code, 'INVALID_ARGUMENT', trick);
              assert.equal(err.field, 'baseUrl', trick);
              assert.ok(!err.message.includes(baseUrl), `${trick}: the message quotes the URL`);
              continue;
            }
            assert.ok(!REFUSED.has(trick), `${trick} was accepted`);
            const before = emu.requests.length;
            // A path prefix may make the emulator answer 404, and `localhost`
            // may resolve to ::1, where it does not listen: only where the
            // requests went matters here.
            await linkCall(name, made.client).catch((err) => assert.ok(['HTTP_ERROR', 'NETWORK_ERROR', 'API_ERROR'].includes(err.code), `${trick}: ${err.code} ${err.message}`));
            for (const url of urls) {
              const { hostname } = new URL(url);
              assert.ok(['127.0.0.1', 'localhost'].includes(hostname), `${trick}: fetch was given ${url}`);
            }
            if (urls.length === 0 && transport === 'fetch') assert.fail(`${trick}: no request was made`);
            if (!trick.toLowerCase().includes('localhost')) assert.ok(emu.requests.length > before, `${trick}: the emulator saw nothing`);
          }
          assert.equal(foreign.seen.connections, 0, `the foreign host was reached: ${foreign.seen.bytes.slice(0, 200)}`);
        });
      } finally {
        await foreign.close();
      }
    });
  }
}

test('a baseUrl path is kept as a prefix, and a URL object is accepted', async () => {
  await withEmulator(async (emu) => {
    const { appid, secret } = emu.credentials.wechat;
    const urls = [];
    const wx = new WeChatClient({ appid, secret, retries: 0, baseUrl: new URL(`${emu.url}/gateway/wx/`), fetch: recordingFetch(urls) });
    await wx.urlscheme.generate().catch(() => {});
    assert.ok(urls.length > 0);
    for (const url of urls) assert.ok(url.startsWith(`${emu.url}/gateway/wx/cgi-bin/`), url);
  });
});

test('baseUrl: https anywhere, http only on loopback or with openApiService', () => {
  const accepted = [
    { appid: 'wx1', secret: 's', baseUrl: 'https://api.weixin.qq.com' },
    { appid: 'wx1', secret: 's', baseUrl: 'https://API.WEIXIN.QQ.COM/' },
    { appid: 'wx1', secret: 's', baseUrl: 'http://127.200.1.1:8080' },
    { openApiService: true, baseUrl: 'http://api.weixin.qq.com' },
  ];
  for (const options of accepted) assert.doesNotThrow(() => new WeChatClient(options), options.baseUrl);
  const refused = ['http://api.weixin.qq.com', 'ftp://127.0.0.1', 'javascript:alert(1)', 'api.weixin.qq.com', '', 'https://', 'https://user:hunter2@api.weixin.qq.com'];
  for (const baseUrl of refused) {
    assert.throws(
      () => new WeChatClient({ appid: 'wx1', secret: 's', baseUrl }),
      (err) => err.code === 'INVALID_ARGUMENT' && err.field === 'baseUrl' && !err.message.includes('hunter2'),
      baseUrl
    );
  }
  assert.throws(() => new DouyinClient({ appid: 'tt1', secret: 's', baseUrl: 'http://open.douyin.com' }), (err) => err.field === 'baseUrl');
  assert.throws(() => new WeChatClient({ appid: 'wx1', secret: 's', baseUrl: 5 }), (err) => err.field === 'baseUrl' && /a number/.test(err.message));
});
