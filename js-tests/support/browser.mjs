// Debian's Chromium driven by playwright-core, for the landing page's browser
// tests and scripts/demo's screenshots. Both come from lib.sh's
// install_browser_deps (apt-get install chromium; the pinned npm packages in
// js-tests/node_modules, apart from the package's own project, whose
// node_modules must hold miniprogram-links alone).
import { chromium } from 'playwright-core';

// A container runs Chromium as root without its sandbox; the background
// services would only knock on closed doors (a closed network).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const USER_AGENTS = {
  iphone: {
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  },
  android: {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    viewport: { width: 412, height: 915 },
    isMobile: true,
    hasTouch: true,
  },
  wechat: {
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.188 Mobile Safari/537.36 XWEB/1260117 MMWEBSDK/20240501 MMWEBID/1234 MicroMessenger/8.0.50.2701(0x28003237) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
    viewport: { width: 412, height: 915 },
    isMobile: true,
    hasTouch: true,
  },
  desktop: {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    viewport: { width: 1280, height: 800 },
  },
};

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
}

/**
 * Opens `url` as `device` (a USER_AGENTS key) in a new context and records
 * what the page does: `requests` (every URL it asked for, the page's own
 * included; any other origin is aborted, never fetched), `navigations` (URLs
 * the page navigated to on its own: `weixin://…` included, which no browser
 * here can open), `consoleErrors` (console errors, page errors and CSP
 * refusals). Waits `settleMs` after the document commits, for the script's
 * timer. `options` go to newContext (javaScriptEnabled, bypassCSP).
 */
export async function visit(browser, url, device, { settleMs = 2500, ...options } = {}) {
  const context = await browser.newContext({ ...USER_AGENTS[device], ...options });
  const page = await context.newPage();
  const own = new URL(url).origin;
  const visit = { context, page, requests: [], navigations: [], consoleErrors: [] };
  page.on('request', (request) => visit.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') visit.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => visit.consoleErrors.push(String(error)));
  await context.route('**/*', (route) => (new URL(route.request().url()).origin === own ? route.continue() : route.abort()));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  let navigated;
  const leaves = new Promise((resolve) => (navigated = resolve));
  cdp.on('Page.frameRequestedNavigation', (event) => {
    visit.navigations.push(event.url);
    navigated();
  });
  // 'commit': a navigation to weixin:// never loads, so 'load' never comes;
  // a page that leaves for another origin never shows its <main> for long.
  await page.goto(url, { waitUntil: 'commit' });
  await Promise.race([page.waitForSelector('main', { state: 'attached' }), leaves]);
  await page.waitForTimeout(settleMs);
  return visit;
}
