'use strict';
// One contender of the throughput benchmark, in a process of its own (its CPU
// time is read with process.cpuUsage(), which covers this process only).
//
//   node benches/client.cjs CONTENDER '{"url":…,"calls":…,"concurrency":…,"warmup":…,"project":…}'
//
// Every contender does the same job: POST /wxa/generatescheme?access_token=…
// with the same request, read the whole answer, parse it, check errcode 0 and
// take the openlink; the token is fetched once beforehand (a cached token).
// Prints one JSON line: {contender, calls, seconds, callsPerSecond, cpuUsPerCall, maxRssKb, node}.

const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const { createRequire } = require('node:module');

const [contender, configText] = process.argv.slice(2);
const config = JSON.parse(configText);
const { url, calls, concurrency, warmup } = config;

const APPID = 'wxbench0000000001';
const SECRET = 'bench-secret-0123456789abcdef0123';

// The request, in the HTTPS names (hand-written clients) and the cloud-call
// names the package takes; the JSON body sent is the same.
const BODY = {
  jump_wxa: { path: 'pages/item/detail', query: 'id=42&from=bench', env_version: 'release' },
  is_expire: true,
  expire_type: 1,
  expire_interval: 7,
};
const REQUEST = {
  jumpWxa: { path: 'pages/item/detail', query: 'id=42&from=bench', envVersion: 'release' },
  isExpire: true,
  expireType: 1,
  expireInterval: 7,
};

function fail(message) {
  throw new Error(`${contender}: ${message}`);
}

function checked(json) {
  if (json.errcode !== 0 || typeof json.openlink !== 'string') fail(`unexpected answer ${JSON.stringify(json)}`);
  return json.openlink;
}

// ---- (a) hand-written node:http (node:https for --tls) with a keep-alive Agent ----
function nodeHttp() {
  const scheme = url.startsWith('https:') ? https : http;
  const agent = new scheme.Agent({ keepAlive: true, maxSockets: concurrency });
  const get = (target) =>
    new Promise((resolve, reject) => {
      scheme
        .get(target, { agent }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(JSON.parse(text)));
        })
        .on('error', reject);
    });
  let token;
  return {
    async setup() {
      token = (await get(`${url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`)).access_token;
    },
    call() {
      return new Promise((resolve, reject) => {
        const body = JSON.stringify(BODY);
        const req = scheme.request(
          `${url}/wxa/generatescheme?access_token=${token}`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
              try {
                if (res.statusCode !== 200) fail(`status ${res.statusCode}`);
                resolve(checked(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
              } catch (err) {
                reject(err);
              }
            });
          }
        );
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

// ---- (b) hand-written global fetch (undici) ----
function globalFetch() {
  if (typeof fetch !== 'function') fail('this Node has no global fetch');
  let token;
  return {
    async setup() {
      const res = await fetch(`${url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`);
      token = (await res.json()).access_token;
    },
    async call() {
      const res = await fetch(`${url}/wxa/generatescheme?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BODY),
      });
      if (res.status !== 200) fail(`status ${res.status}`);
      return checked(await res.json());
    },
  };
}

// ---- (c), (d) miniprogram-links, default transport or an injected fetch ----
function miniprogramLinks(options) {
  // Resolved from the temporary project scripts/bench installed the packed tarball into.
  const projectRequire = createRequire(path.join(config.project, 'package.json'));
  const { WeChatClient } = projectRequire('miniprogram-links');
  const wx = new WeChatClient({ appid: APPID, secret: SECRET, baseUrl: url, ...options });
  return {
    async setup() {
      await wx.getAccessToken();
    },
    async call() {
      return (await wx.urlscheme.generate(REQUEST)).openlink;
    },
  };
}

// ---- (c') miniprogram-links with a node:diagnostics_channel subscriber on both
// channels (what a team logging every call pays): mpl-observed minus mpl is the
// cost of building and publishing the messages ----
function observedMiniprogramLinks() {
  const diagnostics = require('node:diagnostics_channel');
  let seen = 0;
  const subscriber = (message) => {
    seen += message.durationMs >= 0 ? 1 : 0;
  };
  diagnostics.channel('miniprogram-links:request').subscribe(subscriber);
  diagnostics.channel('miniprogram-links:token').subscribe(subscriber);
  const client = miniprogramLinks({});
  return {
    async setup() {
      await client.setup();
      if (seen !== 2) fail(`the subscriber saw ${seen} messages of the token fetch, not 2`);
    },
    call: client.call,
  };
}

// ---- diagnostic: the package's transport alone, hand-written around it ----
// The same job as node-http, through pkg-template/transport.cjs's nodeSend
// (with its timer per call, as the package sets it): mpl minus this is the
// cost of the wasm core and its wrapper; this minus node-http the cost of the
// transport.
function packageTransport() {
  const projectRequire = createRequire(path.join(config.project, 'package.json'));
  const pkgDir = path.dirname(projectRequire.resolve('miniprogram-links/package.json'));
  const { nodeSend } = require(path.join(pkgDir, 'transport.cjs'));
  let token;
  return {
    async setup() {
      const [, text] = await nodeSend('GET', `${url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`, '', undefined, 10000);
      token = JSON.parse(text).access_token;
    },
    async call() {
      const [status, text] = await nodeSend('POST', `${url}/wxa/generatescheme?access_token=${token}`, 'content-type:application/json\n', JSON.stringify(BODY), 10000);
      if (status !== 200) fail(`status ${status}`);
      return checked(JSON.parse(text));
    },
  };
}

// ---- (e) co-wechat-api, the peer: its own keep-alive transport (httpx over node:http) ----
function coWechatApi() {
  const API = require('co-wechat-api');
  // co-wechat-api 3.11 has no generatescheme method; its documented way to add
  // one is a mixin calling its own request() with its token handling, exactly
  // as its built-in wxa methods (getWXACode, …) do.
  if (!API.prototype.benchGenerateScheme) {
    API.mixin({
      async benchGenerateScheme(data) {
        const { accessToken } = await this.ensureAccessToken();
        const body = { dataType: 'json', method: 'POST', data: JSON.stringify(data), headers: { 'Content-Type': 'application/json', Accept: 'application/json' } };
        return this.request(`${this.wxaPrefix}generatescheme?access_token=${accessToken}`, body);
      },
    });
  }
  const api = new API(APPID, SECRET);
  // Its base URLs are instance fields: pointed at the loopback server, no patching.
  api.prefix = `${url}/cgi-bin/`;
  api.wxaPrefix = `${url}/wxa/`;
  return {
    async setup() {
      await api.ensureAccessToken();
    },
    async call() {
      return checked(await api.benchGenerateScheme(BODY));
    },
  };
}

const CONTENDERS = {
  'node-http': nodeHttp,
  fetch: globalFetch,
  mpl: () => miniprogramLinks({}),
  'mpl-observed': observedMiniprogramLinks,
  'mpl-fetch': () => miniprogramLinks({ fetch: globalThis.fetch }),
  'co-wechat-api': coWechatApi,
  'mpl-transport': packageTransport,
};

async function run(client, n) {
  let next = 0;
  let last = '';
  const worker = async () => {
    while (next < n) {
      next += 1;
      last = await client.call();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (!last) fail('no openlink');
}

async function main() {
  const make = CONTENDERS[contender];
  if (!make) fail(`unknown contender (one of ${Object.keys(CONTENDERS).join(', ')})`);
  const client = make();
  await client.setup();
  await run(client, warmup);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run(client, calls);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const result = {
    contender,
    calls,
    seconds,
    callsPerSecond: calls / seconds,
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    maxRssKb: process.resourceUsage().maxRSS,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Keep-alive sockets (and undici's pool) may hold the loop open.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
