// WeChat, happy path: each method resolves to what CONTRACT.md's method table
// promises, against the platform emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useEmulator, wechatClient, WeChatClient, LinkError, inFuture, DAY, requestsTo } from './helpers.mjs';

const require = createRequire(import.meta.url);
const ctx = useEmulator();

test('urlscheme.generate resolves to {errcode: 0, errmsg: "ok", openlink}', async () => {
  const wx = wechatClient(ctx.emu);
  const result = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/index/index', query: 'a=1' } });
  assert.equal(result.errcode, 0);
  assert.equal(result.errmsg, 'ok');
  assert.match(result.openlink, /^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]+$/);
  assert.equal(requestsTo(ctx.emu, '/wxa/generatescheme').length, 1);
});

test('urlscheme.generate with no argument makes a link to the home page', async () => {
  const wx = wechatClient(ctx.emu);
  const result = await wx.urlscheme.generate();
  assert.match(result.openlink, /^weixin:\/\//);
});

test('urllink.generate resolves to {urlLink}', async () => {
  const wx = wechatClient(ctx.emu);
  const result = await wx.urllink.generate({ path: 'pages/index/index', query: 'id=7', expireInterval: 7 });
  assert.equal(result.errcode, 0);
  assert.equal(result.errmsg, 'ok');
  assert.match(result.urlLink, /^https:\/\/wxaurl\.cn\/[A-Za-z0-9]+$/);
  assert.equal(result.url_link, undefined, 'keys are camelCased');
});

test('shortlink.generate resolves to {link}', async () => {
  const wx = wechatClient(ctx.emu);
  const result = await wx.shortlink.generate({ pageUrl: 'pages/index/index?x=1', pageTitle: 'Home', isPermanent: false });
  assert.equal(result.errcode, 0);
  assert.match(result.link, /^#小程序:\/\/emulator\/[A-Za-z0-9]+$/);
});

test('urlscheme.query of a scheme just generated resolves to a camelCased schemeInfo', async () => {
  const wx = wechatClient(ctx.emu);
  const expireTime = inFuture(2 * DAY);
  const { openlink } = await wx.urlscheme.generate({
    jumpWxa: { path: 'pages/detail/detail', query: 'id=42', envVersion: 'trial' },
    expireTime,
  });
  const before = Math.floor(Date.now() / 1000);
  const result = await wx.urlscheme.query({ scheme: openlink });
  assert.equal(result.errcode, 0);
  const info = result.schemeInfo;
  assert.ok(info && typeof info === 'object', `schemeInfo missing: ${JSON.stringify(result)}`);
  assert.equal(info.appid, ctx.emu.credentials.wechat.appid);
  assert.equal(info.path, 'pages/detail/detail');
  assert.equal(info.query, 'id=42');
  assert.equal(info.envVersion, 'trial');
  assert.equal(info.expireTime, expireTime);
  assert.equal(typeof info.createTime, 'number');
  assert.ok(Math.abs(info.createTime - before) <= 5, `createTime ${info.createTime}`);
  assert.equal(info.create_time, undefined, 'nested keys are camelCased');
  assert.equal(typeof result.schemeQuota.longTimeUsed, 'number');
  assert.equal(result.scheme_info, undefined);
});

test('urllink.query of a link just generated resolves to a camelCased urlLinkInfo with cloudBase', async () => {
  const wx = wechatClient(ctx.emu);
  const { urlLink } = await wx.urllink.generate({
    path: 'pages/a/a',
    query: 'k=v',
    envVersion: 'develop',
    expireInterval: 3,
    cloudBase: { env: 'env-1', domain: 'x.tcloudbaseapp.com', path: '/jump.html', query: 'c=1', resourceAppid: 'wxresource01' },
  });
  const result = await wx.urllink.query({ urlLink });
  assert.equal(result.errcode, 0);
  const info = result.urlLinkInfo;
  assert.ok(info && typeof info === 'object', `urlLinkInfo missing: ${JSON.stringify(result)}`);
  assert.equal(info.appid, ctx.emu.credentials.wechat.appid);
  assert.equal(info.path, 'pages/a/a');
  assert.equal(info.query, 'k=v');
  assert.equal(info.envVersion, 'develop');
  assert.equal(typeof info.createTime, 'number');
  assert.equal(info.expireTime, info.createTime + 3 * DAY);
  assert.deepEqual(info.cloudBase, {
    env: 'env-1',
    domain: 'x.tcloudbaseapp.com',
    path: '/jump.html',
    query: 'c=1',
    resourceAppid: 'wxresource01',
  });
  assert.equal(typeof result.urlLinkQuota.longTimeLimit, 'number');
});

test('urlscheme.query and urllink.query accept the HTTPS names (url_link, query_type)', async () => {
  const wx = wechatClient(ctx.emu);
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a/a' });
  const result = await wx.urllink.query({ url_link: urlLink, query_type: 0 });
  assert.equal(result.urlLinkInfo.path, 'pages/a/a');
});

test('plainScheme returns a string synchronously, the query percent-encoded', () => {
  const wx = wechatClient(ctx.emu);
  const { appid } = ctx.emu.credentials.wechat;
  const link = wx.plainScheme({ path: 'pages/index/index', query: 'a=1&b=2', envVersion: 'trial' });
  assert.equal(typeof link, 'string', 'not a promise');
  assert.equal(link, `weixin://dl/business/?appid=${appid}&path=pages/index/index&query=a%3D1%26b%3D2&env_version=trial`);
  assert.equal(wx.plainScheme({ path: 'pages/index/index' }), `weixin://dl/business/?appid=${appid}&path=pages/index/index`);
  assert.equal(ctx.emu.requests.length, 0, 'plainScheme sends nothing');
});

test('plainScheme works with an accessToken client that knows its appid', () => {
  const wx = new WeChatClient({ appid: 'wxlocal', accessToken: 'tok-1234', baseUrl: ctx.emu.url });
  assert.equal(wx.plainScheme({ path: 'p', query: { id: 'x y' } }), 'weixin://dl/business/?appid=wxlocal&path=p&query=id%3Dx%2520y');
});

test('getAccessToken resolves to {accessToken, expiresIn} with the token the platform issued', async () => {
  const wx = wechatClient(ctx.emu);
  const result = await wx.getAccessToken();
  assert.deepEqual(Object.keys(result).sort(), ['accessToken', 'expiresIn']);
  assert.equal(result.accessToken, ctx.emu.issuedTokens.at(-1));
  assert.equal(typeof result.expiresIn, 'number');
  assert.ok(result.expiresIn > 7000 && result.expiresIn <= 7200, `expiresIn ${result.expiresIn}`);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 1);
});

test('a stableToken client resolves the same shapes', async () => {
  const wx = wechatClient(ctx.emu, { stableToken: true });
  const token = await wx.getAccessToken();
  assert.equal(token.accessToken, ctx.emu.issuedTokens.at(-1));
  const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } });
  assert.match(openlink, /^weixin:\/\//);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/stable_token').length, 1);
  assert.equal(requestsTo(ctx.emu, '/cgi-bin/token').length, 0);
});

test('require and import give the same working classes', async () => {
  const cjs = require('miniprogram-links');
  const esm = await import('miniprogram-links');
  assert.equal(cjs.WeChatClient, WeChatClient);
  assert.equal(esm.WeChatClient, cjs.WeChatClient);
  assert.equal(esm.LinkError, cjs.LinkError);
  assert.equal(esm.default.WeChatClient, cjs.WeChatClient);
  const { appid, secret } = ctx.emu.credentials.wechat;
  const viaRequire = new cjs.WeChatClient({ appid, secret, baseUrl: ctx.emu.url });
  const viaImport = new esm.WeChatClient({ appid, secret, baseUrl: ctx.emu.url });
  const [a, b] = await Promise.all([
    viaRequire.urlscheme.generate({ jumpWxa: { path: 'pages/a' } }),
    viaImport.urllink.generate({ path: 'pages/a' }),
  ]);
  assert.match(a.openlink, /^weixin:\/\//);
  assert.match(b.urlLink, /^https:\/\//);
  // A failure from either is the one LinkError class.
  let err;
  try {
    viaRequire.plainScheme({});
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof LinkError && err instanceof esm.LinkError);
});
