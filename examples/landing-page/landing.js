'use strict';
// The landing handler both examples here serve: /p/ID sends visitors to
// pages/item/item?id=ID, with the URL Link for WeChat's own browser and a QR
// code of the page's public address for desktop visitors.
//
// Environment: WECHAT_APPID, WECHAT_SECRET; PUBLIC_URL (the https: address the
// page is served under, for the QR code; default https://example.com);
// WECHAT_BASE_URL to point the client somewhere else (the tests use the emulator).

const { WeChatClient, createLandingHandler } = require('miniprogram-links');

const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL, PUBLIC_URL = 'https://example.com' } = process.env;

const wechat = new WeChatClient({
  appid: WECHAT_APPID,
  secret: WECHAT_SECRET,
  stableToken: true, // several instances share one token
  ...(WECHAT_BASE_URL ? { baseUrl: WECHAT_BASE_URL } : {}),
});

/** `/p/42` → 42; anything else null (a 404). Only digits: nothing of the URL reaches the page unchecked. */
function itemId(url) {
  const match = /^\/p\/(\d{1,12})(?:\?.*)?$/.exec(url || '');
  return match ? match[1] : null;
}

const landing = createLandingHandler(wechat, {
  resolve: (req) => {
    const id = itemId(req.url);
    return id && { jumpWxa: { path: 'pages/item/item', query: `id=${id}` }, expireInterval: 30 };
  },
  title: '春季特卖',
  description: '在微信中打开小程序，领取八折优惠券。',
  urlLink: true,
  qrUrl: (req) => `${PUBLIC_URL}/p/${itemId(req.url)}`,
  onError: (error) => console.error(`landing page: ${error.code || ''} ${error.message}`),
});

module.exports = { landing };
