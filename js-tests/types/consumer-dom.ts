// With the DOM library loaded: the environment's own fetch fits the `fetch`
// option, and `init.signal` is the environment's AbortSignal.
import { WeChatClient, DouyinClient } from 'miniprogram-links';
import type { FetchInit } from 'miniprogram-links';

new WeChatClient({ appid: 'wx1', secret: 's', fetch: globalThis.fetch });
new DouyinClient({ appid: 'tt1', secret: 's', fetch });
new DouyinClient({
  appid: 'tt1',
  secret: 's',
  fetch: (url, init) => fetch(url, { ...init, keepalive: true }),
});

export function signalOf(init: FetchInit): AbortSignal {
  return init.signal;
}
