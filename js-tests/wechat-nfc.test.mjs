// urlscheme.generateNFC (CONTRACT.md, "Additions (second release)"): the scheme
// an NFC tag holds, POST /wxa/generatenfcscheme, and its rules and errcodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEmulator, wechatClient, requestsTo, rejectsWithLinkError } from './helpers.mjs';

const ctx = useEmulator();
const NFC = '/wxa/generatenfcscheme';
const MODEL = 'nfc-model-granted';

test('generateNFC sends the HTTPS names and resolves to {openlink}', async () => {
  const wx = wechatClient(ctx.emu);
  const result = await wx.urlscheme.generateNFC({ jumpWxa: { path: 'pages/tag', query: { t: 1 }, envVersion: 'trial' }, modelId: MODEL, sn: 'SN-1' });
  assert.equal(result.errcode, 0);
  assert.match(result.openlink, /^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]+$/);
  const [request] = requestsTo(ctx.emu, NFC);
  assert.equal(request.method, 'POST');
  assert.equal(request.query.access_token, ctx.emu.issuedTokens[0]);
  assert.deepEqual(request.json, { jump_wxa: { path: 'pages/tag', query: 't=1', env_version: 'trial' }, model_id: MODEL, sn: 'SN-1' });
  const perModel = await wx.urlscheme.generateNFC({ model_id: MODEL });
  assert.match(perModel.openlink, /^weixin:/);
  assert.deepEqual(requestsTo(ctx.emu, NFC)[1].json, { model_id: MODEL });
});

test('generateNFC: modelId required, sn not empty, no expiry, the page inside jumpWxa; nothing sent', async () => {
  const wx = wechatClient(ctx.emu);
  const refusals = [
    [{}, 'modelId'],
    [{ modelId: '' }, 'modelId'],
    [{ modelId: 7 }, 'modelId'],
    [{ modelId: MODEL, sn: '' }, 'sn'],
    [{ modelId: MODEL, expireTime: 1 }, 'expireTime'],
    [{ modelId: MODEL, path: 'pages/a' }, 'path'],
    [{ modelId: MODEL, jumpWxa: { path: 'pages/a?x=1' } }, 'jumpWxa.path'],
    [{ modelId: MODEL, jumpWxa: { envVersion: 'beta' } }, 'jumpWxa.envVersion'],
    [{ modelId: MODEL, jumpWxa: { query: 'a'.repeat(1025) } }, 'jumpWxa.query'],
  ];
  for (const [request, field] of refusals) {
    await rejectsWithLinkError(wx.urlscheme.generateNFC(request), { code: 'INVALID_ARGUMENT', field, api: 'urlscheme.generateNFC', class: 'invalid' });
  }
  assert.equal(ctx.emu.requests.length, 0);
});

test('generateNFC: the NFC errcodes say what they mean', async () => {
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const cases = [
    [{ modelId: 'unknown-model' }, 9800003, /model id of a device registered/],
    [{ modelId: 'nfc-model-pending' }, 9800007, /not been granted the NFC capability/],
  ];
  for (const [request, errcode, meaning] of cases) {
    const err = await wx.urlscheme.generateNFC(request).catch((e) => e);
    assert.equal(err.errcode, errcode);
    assert.match(err.message, meaning);
    assert.equal(err.class, 'rejected');
  }
  await wx.urlscheme.generateNFC({ modelId: MODEL, sn: 'SN-2' });
  const again = await wx.urlscheme.generateNFC({ modelId: MODEL, sn: 'SN-2' }).catch((e) => e);
  assert.equal(again.errcode, 9800010);
  assert.match(again.message, /already exists/);
  assert.equal(again.retryable, false);
});
