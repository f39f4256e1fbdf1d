// appendCq(link, cq) (CONTRACT.md, "Additions (second release)"): the
// developer's own query on an encrypted URL Scheme or a URL Link, built
// locally; the links come from the emulator, as users get them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { appendCq } from 'miniprogram-links';
import { useEmulator, wechatClient, throwsLinkError } from './helpers.mjs';

const require = createRequire(import.meta.url);
const ctx = useEmulator();

test('appendCq: ?cq= on a URL Link, &cq= on a scheme, encoded as encodeURIComponent', async () => {
  const wx = wechatClient(ctx.emu);
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
  const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
  const cq = "from=sms&c=(1)!*'~";
  assert.equal(appendCq(urlLink, cq), `${urlLink}?cq=${encodeURIComponent(cq)}`);
  assert.equal(appendCq(openlink, cq), `${openlink}&cq=${encodeURIComponent(cq)}`);
  assert.equal(appendCq(urlLink, { from: 'sms', n: 2 }), `${urlLink}?cq=${encodeURIComponent('from=sms&n=2')}`);
  assert.equal(require('miniprogram-links').appendCq, appendCq, 'one function for require and import');
  const before = ctx.emu.requests.length;
  appendCq(urlLink, 'a=1');
  assert.equal(ctx.emu.requests.length, before, 'nothing is sent');
});

test('appendCq refuses a plaintext scheme, other URLs, a second cq, and a cq past its rules', async () => {
  const wx = wechatClient(ctx.emu);
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a' });
  const plain = wx.plainScheme({ path: 'pages/a', query: 'a=1' });
  const expected = (field) => ({ code: 'INVALID_ARGUMENT', field, api: 'appendCq', platform: 'wechat', class: 'invalid' });
  throwsLinkError(() => appendCq(plain, 'a=1'), { ...expected('link'), message: /plaintext/ });
  throwsLinkError(() => appendCq(appendCq(urlLink, 'a=1'), 'b=2'), { ...expected('link'), message: /already has a cq/ });
  for (const link of ['https://example.com/x', 'javascript:alert(1)', 'data:text/html,x', '', 42, undefined]) {
    throwsLinkError(() => appendCq(link, 'a=1'), expected('link'));
  }
  assert.ok(appendCq(urlLink, 'a'.repeat(256)).endsWith('a'.repeat(256)), '256 characters before encoding');
  for (const cq of ['a'.repeat(257), 'a b', '', undefined, 7, ['a']]) {
    throwsLinkError(() => appendCq(urlLink, cq), expected('cq'));
  }
});
