// scripts/demo's last part: the landing page served by createLandingHandler
// (against the emulator scripts/demo started), opened in Chromium as each
// visitor would, one screenshot per case into the directory given.
//   node landing-screenshots.mjs OUT_DIR   (EMULATOR_URL, EMULATOR_CREDENTIALS set)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WeChatClient, createLandingHandler } from 'miniprogram-links';
import { launchChromium, visit } from './browser.mjs';

const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
const { appid, secret } = JSON.parse(process.env.EMULATOR_CREDENTIALS).wechat;
const client = new WeChatClient({ appid, secret, baseUrl: process.env.EMULATOR_URL });

async function serve(options) {
  const handler = createLandingHandler(client, {
    resolve: () => ({ jumpWxa: { path: 'pages/item/item', query: 'id=42' } }),
    qrUrl: 'https://go.example.com/p/42',
    ...options,
  });
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/p/42` };
}

const zh = { title: '春季特卖', description: '在微信中打开小程序，领取八折优惠券。' };
const en = { title: 'Spring sale', description: 'Open the mini program in WeChat for 20 % off.', lang: 'en' };
const cases = [
  ['iphone-zh', 'iphone', zh, {}],
  ['android-en', 'android', en, {}],
  ['wechat-no-url-link', 'wechat', zh, {}],
  ['desktop-zh', 'desktop', zh, {}],
  ['desktop-en', 'desktop', en, {}],
  ['javascript-off', 'iphone', zh, { javaScriptEnabled: false, settleMs: 200 }],
  ['hostile-title', 'iphone', { title: '</title><script>alert(1)</script>"{{x}}\u202Eabc', description: '<img src=x onerror=alert(1)>' }, {}],
];

const browser = await launchChromium();
try {
  for (const [name, device, texts, options] of cases) {
    const { server, url } = await serve(texts);
    const seen = await visit(browser, url, device, { settleMs: 2500, ...options });
    const file = path.join(out, `${name}.png`);
    await seen.page.screenshot({ path: file });
    console.log(`${file}  (${device}; navigations: ${seen.navigations.join(', ') || 'none'})`);
    await seen.context.close();
    await new Promise((resolve) => server.close(resolve));
  }
} finally {
  await browser.close();
}
