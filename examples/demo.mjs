// miniprogram-links demo: one link of each kind.
//
// `scripts/demo` runs this against the local platform emulator:
//   EMULATOR_URL=http://127.0.0.1:PORT EMULATOR_CREDENTIALS='{"wechat":{…},"douyin":{…}}' node demo.mjs
//
// Against the real platforms (your own mini programs), instead:
//   WECHAT_APPID=wx… WECHAT_SECRET=… [DOUYIN_APPID=tt… DOUYIN_SECRET=…] node demo.mjs
import http from 'node:http';
import { WeChatClient, DouyinClient, LinkError, appendCq, renderLandingPage } from 'miniprogram-links';

const DAY = 24 * 60 * 60;
const now = () => Math.floor(Date.now() / 1000);

function config() {
  const emulatorUrl = process.env.EMULATOR_URL;
  if (emulatorUrl) {
    const creds = JSON.parse(process.env.EMULATOR_CREDENTIALS || '{}');
    if (!creds.wechat || !creds.douyin) throw new Error('EMULATOR_CREDENTIALS must hold {"wechat":{appid,secret},"douyin":{appid,secret}}');
    return {
      emulatorUrl,
      wechat: { appid: creds.wechat.appid, secret: creds.wechat.secret, baseUrl: emulatorUrl },
      douyin: { appid: creds.douyin.appid, secret: creds.douyin.secret, baseUrl: emulatorUrl },
    };
  }
  const { WECHAT_APPID, WECHAT_SECRET, DOUYIN_APPID, DOUYIN_SECRET } = process.env;
  if (!WECHAT_APPID || !WECHAT_SECRET) {
    console.error('usage: EMULATOR_URL=… EMULATOR_CREDENTIALS=… node demo.mjs   (or WECHAT_APPID=… WECHAT_SECRET=… node demo.mjs)');
    process.exit(2);
  }
  return {
    emulatorUrl: null,
    wechat: { appid: WECHAT_APPID, secret: WECHAT_SECRET },
    douyin: DOUYIN_APPID && DOUYIN_SECRET ? { appid: DOUYIN_APPID, secret: DOUYIN_SECRET } : null,
  };
}

// The emulator's request log (a control route of the emulator, not of the package).
function emulatorRequests(baseUrl) {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}/__emulator/requests`, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const TOKEN_PATHS = new Set(['/cgi-bin/token', '/cgi-bin/stable_token', '/api/apps/v2/token', '/oauth/client_token/']);

function show(label, value) {
  console.log(`${(label + ':').padEnd(32)} ${value}`);
}

async function main() {
  const cfg = config();
  const wx = new WeChatClient(cfg.wechat);

  // URL Scheme: weixin://dl/business/?t=… , valid for 7 days.
  const { openlink } = await wx.urlscheme.generate({
    jumpWxa: { path: 'pages/index/index', query: 'from=demo&id=42', envVersion: 'release' },
    isExpire: true,
    expireType: 0,
    expireTime: now() + 7 * DAY,
  });
  show('WeChat URL Scheme (7 days)', openlink);

  // NFC scheme: what an NFC tag holds, for a device model registered with the
  // NFC capability (the emulator knows one; for yours, set WECHAT_NFC_MODEL_ID).
  const nfcModel = cfg.emulatorUrl ? 'nfc-model-granted' : process.env.WECHAT_NFC_MODEL_ID;
  if (nfcModel) {
    const nfc = await wx.urlscheme.generateNFC({ jumpWxa: { path: 'pages/index/index', query: 'from=nfc' }, modelId: nfcModel });
    show('WeChat NFC scheme', nfc.openlink);
  }

  // URL Link: https://wxaurl.cn/… , expires 30 days from now.
  const { urlLink } = await wx.urllink.generate({
    path: 'pages/index/index',
    query: 'from=demo&id=42',
    envVersion: 'release',
    isExpire: true,
    expireType: 1,
    expireInterval: 30,
  });
  show('WeChat URL Link', urlLink);

  // Short Link: #小程序://…, for sharing inside WeChat.
  const { link } = await wx.shortlink.generate({
    pageUrl: 'pages/index/index?from=demo&id=42',
    pageTitle: 'miniprogram-links demo',
    isPermanent: false,
  });
  show('WeChat Short Link', link);

  // Plaintext URL Scheme: built locally, no request, synchronous.
  const plain = wx.plainScheme({ path: 'pages/index/index', query: 'from=demo&id=42', envVersion: 'release' });
  show('WeChat plaintext scheme', plain);

  // The developer's own query on an encrypted link: no request, synchronous.
  show('WeChat URL Link + cq', appendCq(urlLink, { campaign: 'demo' }));

  // The landing page for SMS and e-mail visitors: one self-contained document.
  const page = renderLandingPage({ openlink, urlLink, title: 'miniprogram-links demo', qrUrl: urlLink, lang: 'en' });
  show('Landing page', `${page.length} characters of HTML (openlink, URL Link, QR code inline)`);

  if (cfg.douyin) {
    const dy = new DouyinClient(cfg.douyin);
    const { urlLink: dyLink } = await dy.urlLink.generate({
      appName: 'douyin',
      path: 'pages/index/index',
      query: { from: 'demo', id: '42' },
      expireTime: now() + 7 * DAY,
    });
    show('Douyin URL Link (7 days)', dyLink);

    // Schema (the v2 API on open.douyin.com): sslocal://miniapp?ticket=…
    const dy2 = new DouyinClient({ ...cfg.douyin, api: 'v2' });
    const { schema } = await dy2.schema.generate({ path: 'pages/index/index', query: { from: 'demo' }, expireTime: now() + 7 * DAY });
    show('Douyin Schema (7 days)', schema);
  }

  if (cfg.emulatorUrl) {
    const requests = await emulatorRequests(cfg.emulatorUrl);
    const tokenRequests = requests.filter((r) => TOKEN_PATHS.has(r.path)).length;
    show('Token requests (emulator saw)', `${tokenRequests} of ${requests.length} requests (tokens are cached per client)`);
  }
}

main().catch((err) => {
  if (err instanceof LinkError) {
    console.error(`LinkError ${err.code} [${err.platform} ${err.api}]${err.field ? ` field ${err.field}` : ''}: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
