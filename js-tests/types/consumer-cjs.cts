// The same package from a CommonJS TypeScript file (`require` under node16 rules).
import mp = require('miniprogram-links');

const { WeChatClient, DouyinClient, LinkError } = mp;

const wx = new WeChatClient({ appid: 'wx1', secret: 's' });
const dy = new DouyinClient({ appid: 'tt1', secret: 's', api: 'v2' });

export async function run(): Promise<string> {
  try {
    const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/index/index' } });
    const { urlLinkUsed } = await dy.urlLink.queryQuota();
    return `${openlink} ${urlLinkUsed}`;
  } catch (err) {
    if (err instanceof LinkError && err.retryable) return err.code;
    throw err;
  }
}

// @ts-expect-error TS2561: a misspelt option, CommonJS side
new WeChatClient({ appid: 'wx1', secret: 's', retires: 2 });
