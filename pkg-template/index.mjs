// ESM entry: the same instance as `require('miniprogram-links')`.
import cjs from './index.cjs';

export const { WeChatClient, DouyinClient, LinkError, appendCq, renderLandingPage, createLandingHandler } = cjs;
export default cjs;
