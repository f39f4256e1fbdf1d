'use strict';
// One server of the landing benchmark (benches/landing.mjs), in a process of
// its own: `handler` is createLandingHandler (its page cached after the first
// request, the scheme from a stub platform in this process), `bare` a bare
// node:http handler writing the very same status, headers and bytes.
// Prints {"url": …} once listening.
//   node landing-server.cjs handler|bare PROJECT_DIR

const http = require('node:http');
const path = require('node:path');

const [kind, project] = process.argv.slice(2);
const { WeChatClient, createLandingHandler } = require(path.join(project, 'node_modules', 'miniprogram-links'));

const OPENLINK = 'weixin://dl/business/?t=BenchTicket42';
const URL_LINK = 'https://wxaurl.cn/BenchTicket42';

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

async function main() {
  const platform = http.createServer((req, res) => {
    const body = req.url.startsWith('/wxa/generatescheme') ? { errcode: 0, errmsg: 'ok', openlink: OPENLINK } : { errcode: 0, errmsg: 'ok', url_link: URL_LINK };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  const baseUrl = await listen(platform);
  const handler = createLandingHandler(new WeChatClient({ appid: 'wxbench', accessToken: 'bench-token', baseUrl }), {
    resolve: () => ({ jumpWxa: { path: 'pages/item/item', query: 'id=42' } }),
    title: '春季特卖',
    description: '在微信中打开小程序，领取八折优惠券。',
    qrUrl: 'https://go.example.com/p/42',
    urlLink: true,
  });
  let serve = handler;
  if (kind === 'bare') {
    // The handler's own answer, captured once, written back by plain node:http.
    const probe = http.createServer(handler);
    const url = await listen(probe);
    const answer = await new Promise((resolve) => {
      http.get(url, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      });
    });
    probe.close();
    const headers = Object.fromEntries(Object.entries(answer.headers).filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k)));
    serve = (req, res) => {
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    };
  }
  const url = await listen(http.createServer(serve));
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

main();
