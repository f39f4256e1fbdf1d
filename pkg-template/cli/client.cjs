'use strict';
// The client a command uses, from flags and the environment, and what its
// results and errors mean to the command (the link, the exit code).

const { WeChatClient, DouyinClient } = require('../index.cjs');
const { EXIT, UsageError } = require('./arguments.cjs');

/**
 * `{ client, secrets }`: the client for `platform` from the flags, else the
 * environment; `secrets` are the credential values, to be kept out of the output.
 */
function makeClient(platform, flags, env, { needSecret = true, api } = {}) {
  const prefix = platform === 'wechat' ? 'WECHAT' : 'DOUYIN';
  const appid = flags.appid || env[`${prefix}_APPID`] || undefined;
  const secret = flags.secret || env[`${prefix}_SECRET`] || undefined;
  const accessToken = flags.accessToken || env[`${prefix}_ACCESS_TOKEN`] || undefined;
  const options = {};
  if (appid) options.appid = appid;
  if (accessToken) options.accessToken = accessToken;
  else if (secret) options.secret = secret;
  else if (!needSecret) options.accessToken = () => Promise.reject(new Error('no access token: set the secret'));
  else {
    throw new UsageError(
      `${platform === 'wechat' ? 'WeChat' : 'Douyin'} credentials missing: set ${prefix}_APPID and ${prefix}_SECRET ` +
        `(or --appid and --secret), or ${prefix}_ACCESS_TOKEN (--access-token)`
    );
  }
  if (!appid && (platform === 'douyin' || !needSecret || !accessToken)) {
    throw new UsageError(`${prefix}_APPID (or --appid) is missing`);
  }
  if (flags.baseUrl !== undefined) options.baseUrl = flags.baseUrl;
  if (flags.timeoutMs !== undefined) options.timeoutMs = flags.timeoutMs;
  if (flags.retries !== undefined) options.retries = flags.retries;
  if (flags.stableToken) options.stableToken = true;
  if (platform === 'wechat') {
    if (flags.api !== undefined) throw new UsageError('--api is for the Douyin commands (v1 or v2)');
  } else {
    const chosen = flags.api !== undefined ? flags.api : api;
    if (chosen !== undefined && chosen !== 'v1' && chosen !== 'v2') throw new UsageError('--api is v1 or v2');
    if (chosen === 'v2') options.api = 'v2';
  }
  const secrets = [secret, accessToken].filter((s) => typeof s === 'string' && s.length >= 4);
  const Client = platform === 'wechat' ? WeChatClient : DouyinClient;
  return { client: new Client(options), secrets };
}

/** The method that generates one link of `kind` (a generateMany kind). */
function generatorOf(client, kind) {
  const methods = {
    urlscheme: () => client.urlscheme.generate,
    nfc: () => client.urlscheme.generateNFC,
    urllink: () => client.urllink.generate,
    shortlink: () => client.shortlink.generate,
    plainScheme: () => client.plainScheme,
    'douyin.urlLink': () => client.urlLink.generate,
    'douyin.schema': () => client.schema.generate,
  };
  return methods[kind]();
}

/** The link in a generate result (a plain scheme is the string itself); '' when there is none. */
function linkOf(command, result) {
  if (command.linkKey === null) return typeof result === 'string' ? result : '';
  return result && typeof result[command.linkKey] === 'string' ? result[command.linkKey] : '';
}


function exitCodeFor(err) {
  if (err && err.code === 'INVALID_ARGUMENT') return EXIT.USAGE;
  if (err && err.class === 'quota') return EXIT.QUOTA;
  return EXIT.FAILED;
}

module.exports = { makeClient, generatorOf, linkOf, exitCodeFor };

