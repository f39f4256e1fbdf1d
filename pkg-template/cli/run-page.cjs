'use strict';
// `page`: generates a URL Scheme (and, with --url-link, a URL Link for WeChat's
// own browser), renders the landing page and writes it to --output, for static
// hosting (a cloud static site, a CDN). Prints { output, openlink, urlLink?,
// contentSecurityPolicy }: the header value for the host to send with the page.

const fs = require('node:fs');
const { renderLandingPage } = require('../index.cjs');
const { contentSecurityPolicy } = require('../landing.cjs');
const { landingInline } = require('../miniprogram_links.js');
const { BIN, EXIT, UsageError } = require('./arguments.cjs');
const { makeClient, exitCodeFor } = require('./client.cjs');
const { commonHelp, fieldHelp } = require('./help.cjs');
const { requestFrom } = require('./run-single.cjs');

function pageHelp() {
  const shorthands = { path: 'jumpWxa.path', query: 'jumpWxa.query', envVersion: 'jumpWxa.envVersion' };
  return `usage: ${BIN} page --path PAGE [--query Q] --title TEXT --output page.html [flags]

A landing page for SMS and e-mail visitors (renderLandingPage): a URL Scheme
generated now (POST /wxa/generatescheme), a button to it that works with
JavaScript off, the URL Link inside WeChat (--url-link), a QR code for desktop
visitors (--qr-url). The page is static: re-generate it before the scheme
expires (at most 30 days). Prints {"output", "openlink", "urlLink",
"contentSecurityPolicy"}: set that header on the host (the page's inline
script and style by hash, nothing else).

request fields (the URL Scheme's; or --request '<JSON>'):
${fieldHelp('urlscheme', shorthands)}

page:
  --title TEXT               the heading and the document title (at most 64 characters)
  --description TEXT         a line under it (at most 200)
  --button-text TEXT         default 打开小程序 / Open the mini program
  --qr-url URL               an https: URL for the desktop QR code (usually the page's own)
  --lang zh-CN|en            default zh-CN
  --url-link                 also a URL Link (POST /wxa/generate_urllink), for WeChat's browser
  --output FILE              where the page goes

${commonHelp('wechat')}`;
}

async function runPage(command, flags, fields, env, io) {
  if (flags.output === undefined) throw new UsageError('page needs --output FILE');
  if (flags.title === undefined) throw new UsageError('page needs --title TEXT');
  const request = requestFrom(command, flags, fields);
  const { client, secrets } = makeClient('wechat', flags, env);
  io.secrets.push(...secrets);
  const texts = { title: flags.title, description: flags.description, buttonText: flags.buttonText, qrUrl: flags.qrUrl, lang: flags.lang };
  try {
    // The page's own options first: a wrong one costs no scheme.
    renderLandingPage({ openlink: 'weixin://dl/business/?t=check', ...texts });
    const { openlink } = await client.urlscheme.generate(request);
    let urlLink;
    if (flags.urlLink) {
      const { path, query, envVersion } = request.jumpWxa || {};
      ({ urlLink } = await client.urllink.generate({ path, query, envVersion }));
    }
    fs.writeFileSync(flags.output, renderLandingPage({ openlink, urlLink, ...texts }));
    const csp = contentSecurityPolicy(JSON.parse(landingInline()));
    io.out(`${JSON.stringify({ output: flags.output, openlink, urlLink, contentSecurityPolicy: csp })}\n`);
    return EXIT.OK;
  } catch (err) {
    io.err(`${BIN} page: ${err.code}: ${err.message}\n`);
    return exitCodeFor(err);
  }
}

module.exports = { runPage, pageHelp };
