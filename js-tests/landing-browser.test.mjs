// node16: skip playwright-core needs Node 20; the browser tests run on the main Node
// node18: skip playwright-core needs Node 20; the browser tests run on the main Node
// node22: skip the browser tests run once, on the main Node (20)
// node24: skip the browser tests run once, on the main Node (20)
// node26: skip the browser tests run once, on the main Node (20)
//
// The landing page (renderLandingPage, served by createLandingHandler) in
// Debian's Chromium, as iPhone Safari, Android Chrome, WeChat and a desktop
// see it: where it sends the visitor, what it loads, what its CSP allows, the
// QR code read back from a screenshot, JavaScript off, accessibility, and
// hostile texts. scripts/test installs Chromium and the driver (lib.sh,
// install_browser_deps).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { createLandingHandler } from 'miniprogram-links';
import { useEmulator, requestsTo, withLandingServer } from './helpers.mjs';
import { launchChromium, visit } from './support/browser.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = require('axe-core').source;
const QR_URL = 'https://example.com/p/42';
const SCHEME = /^weixin:\/\/dl\/business\/\?t=\w+$/;

const ctx = useEmulator();
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser.close();
});

/** Runs `fn(url)` with the landing handler on 127.0.0.1, `url` the page of /p/42. */
function withPage(options, fn) {
  const defaults = { title: '春季特卖', description: '全场八折', qrUrl: QR_URL, urlLink: true };
  return withLandingServer(ctx.emu, { ...defaults, ...options }, (base) => fn(`${base}/p/42`));
}

/** The scheme and URL Link the page was rendered with, as served. */
async function linksOf(url) {
  const html = await (await fetch(url)).text();
  const openlink = /<a id="open" class="button" href="([^"]+)"/.exec(html)[1];
  const urlLink = /data-url-link="([^"]+)"/.exec(html)[1];
  assert.match(openlink, SCHEME);
  return { openlink, urlLink };
}

/** Chromium's own refusal of a jump without a tap (003 §4.1.6): the case the button and hint are for. */
function withoutGestureRefusal(errors, openlink) {
  return errors.filter((e) => e !== `Not allowed to launch '${openlink}' because a user gesture is required.`);
}

/** Every request was to the page's own origin, but the one navigation `allowed`. */
function onlyOwnOrigin(seen, url, allowed) {
  const own = new URL(url).origin;
  const others = seen.requests.filter((r) => new URL(r).origin !== own && r !== allowed);
  assert.deepEqual(others, [], 'no request to another origin');
}

for (const device of ['iphone', 'android']) {
  test(`${device}: one jump to exactly the scheme on load, the button, then the hint; nothing else loaded, no console error`, async () => {
    await withPage({}, async (url) => {
      const { openlink } = await linksOf(url);
      const seen = await visit(browser, url, device);
      try {
        assert.deepEqual(seen.navigations, [openlink], 'one try, never a loop');
        assert.deepEqual(withoutGestureRefusal(seen.consoleErrors, openlink), [], 'the CSP lets the script run, and nothing fails');
        onlyOwnOrigin(seen, url, openlink);
        assert.equal(await seen.page.getAttribute('#open', 'href'), openlink);
        assert.ok(await seen.page.isVisible('#open'), 'the button');
        assert.ok(await seen.page.isVisible('#blocked'), 'the hint, the page being still in view');
        assert.ok(!(await seen.page.isVisible('#qr')), 'no QR code on a phone');
        const box = await seen.page.locator('#open').boundingBox();
        assert.ok(box.height >= 44 && box.width >= 200, `a large button (${box.width}×${box.height})`);
        // A click with a user gesture that waits for no navigation (this one never loads).
        await seen.page.evaluate(() => document.getElementById('open').click());
        await seen.page.waitForTimeout(200);
        assert.deepEqual(seen.navigations, [openlink, openlink], 'a tap on the button jumps again');
      } finally {
        await seen.context.close();
      }
    });
    assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 1, 'one scheme for every visitor');
  });
}

test('WeChat: goes to the URL Link, not the scheme', async () => {
  await withPage({}, async (url) => {
    const { urlLink } = await linksOf(url);
    assert.match(urlLink, /^https:\/\/wxaurl\.cn\/\w+$/);
    const seen = await visit(browser, url, 'wechat');
    try {
      assert.deepEqual(seen.navigations, [urlLink]);
      assert.ok(!seen.requests.some((r) => r.startsWith('weixin:')), 'no scheme inside WeChat');
      onlyOwnOrigin(seen, url, urlLink);
    } finally {
      await seen.context.close();
    }
  });
});

test('desktop: no jump; a QR code of qrUrl, read back from a screenshot, and "scan with WeChat"', async () => {
  await withPage({}, async (url) => {
    const seen = await visit(browser, url, 'desktop', { settleMs: 300 });
    try {
      assert.deepEqual(seen.navigations, []);
      assert.deepEqual(seen.consoleErrors, []);
      onlyOwnOrigin(seen, url);
      assert.ok(!(await seen.page.isVisible('#open')), 'a desktop opens no scheme: no button');
      assert.equal(await seen.page.textContent('#qr figcaption'), '请用微信扫码打开');
      const png = PNG.sync.read(await seen.page.locator('#qr svg').screenshot());
      const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      assert.ok(code, 'a QR code in the screenshot');
      assert.equal(code.data, QR_URL);
    } finally {
      await seen.context.close();
    }
  });
});

test('JavaScript off: the plain link to the scheme is there, and nothing moves', async () => {
  await withPage({}, async (url) => {
    const { openlink } = await linksOf(url);
    const seen = await visit(browser, url, 'iphone', { javaScriptEnabled: false, settleMs: 300 });
    try {
      assert.deepEqual(seen.navigations, []);
      assert.ok(await seen.page.isVisible('#open'));
      assert.equal(await seen.page.getAttribute('#open', 'href'), openlink);
      assert.equal(await seen.page.textContent('#open'), '打开小程序');
    } finally {
      await seen.context.close();
    }
  });
});

test('accessibility: axe-core finds no violation (lang, heading, the button\'s name and contrast), on a phone and a desktop', async () => {
  await withPage({ lang: 'en' }, async (url) => {
    for (const device of ['iphone', 'desktop']) {
      // axe is injected, which the page's own CSP rightly refuses: bypassed for this check only.
      const seen = await visit(browser, url, device, { bypassCSP: true, settleMs: 2500 });
      try {
        await seen.page.addScriptTag({ content: AXE_SOURCE });
        const result = await seen.page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
        assert.deepEqual(
          result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
          [],
          device
        );
        assert.equal(await seen.page.getAttribute('html', 'lang'), 'en');
        assert.equal(await seen.page.textContent('h1'), '春季特卖');
        if (device === 'iphone') assert.equal(await seen.page.getAttribute('#open', 'href') !== null, true);
      } finally {
        await seen.context.close();
      }
    }
  });
});

test('hostile titles and descriptions render as text', async () => {
  const hostile = [
    '</title><script>window.pwned=1</script>',
    '"><img src=x onerror="window.pwned=1">',
    "'; window.pwned=1; '",
    '{{constructor.constructor("window.pwned=1")()}}',
    '\u202Eبيع\u200F مرحبا \u202C',
    '春'.repeat(64),
  ];
  for (const text of hostile) {
    await withPage({ title: text, description: text }, async (url) => {
      const seen = await visit(browser, url, 'desktop', { settleMs: 100 });
      try {
        assert.equal(await seen.page.title(), text);
        assert.equal(await seen.page.textContent('h1'), text);
        assert.equal(await seen.page.textContent('.description'), text);
        assert.equal(await seen.page.evaluate(() => globalThis.pwned), undefined);
        assert.equal(await seen.page.locator('script').count(), 1);
        assert.equal(await seen.page.locator('img').count(), 0);
        assert.deepEqual(seen.consoleErrors, []);
        onlyOwnOrigin(seen, url);
      } finally {
        await seen.context.close();
      }
    });
  }
});
