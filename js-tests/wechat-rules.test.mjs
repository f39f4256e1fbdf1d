// The rules users most often learn from an errcode: a plaintext scheme's path
// and query, and what 40164, 48001, 45011 and 43104 mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEmulator, wechatClient, WeChatClient, throwsLinkError } from './helpers.mjs';

const ctx = useEmulator();

test('plainScheme: no leading / in path, no already-encoded query', () => {
  const wx = new WeChatClient({ appid: 'wxlocal', accessToken: 'unused', baseUrl: 'http://127.0.0.1:9' });
  throwsLinkError(() => wx.plainScheme({ path: '/pages/index/index' }), { code: 'INVALID_ARGUMENT', field: 'path', message: /pages\// });
  throwsLinkError(() => wx.plainScheme({ path: 'pages/a', query: 'a%3D1' }), { field: 'query', message: /already percent-encoded/ });
  assert.equal(wx.plainScheme({ path: 'pages/a', query: 'a=1&b=2' }), 'weixin://dl/business/?appid=wxlocal&path=pages/a&query=a%3D1%26b%3D2');
  assert.equal(wx.plainScheme({ path: 'pages/a', query: 'a'.repeat(512) }).length > 512, true, '512 before encoding');
  throwsLinkError(() => wx.plainScheme({ path: 'pages/a', query: 'a'.repeat(513) }), { field: 'query' });
});

test('the errcodes users meet first say what to change', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  await wx.getAccessToken();
  const cases = [
    [40164, /IP whitelist/],
    [48001, /not authorized for this API/],
    [45011, /too many calls this minute/],
    [43104, /non-personal entities/],
  ];
  for (const [errcode, meaning] of cases) {
    ctx.emu.inject({ route: '/wxa/genwxashortlink', kind: 'errcode', errcode });
    const err = await wx.shortlink.generate({ pageUrl: 'pages/a' }).catch((e) => e);
    assert.equal(err.errcode, errcode);
    assert.match(err.message, meaning);
    assert.equal(err.retryable, false);
  }
});
