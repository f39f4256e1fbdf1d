'use strict';
// createLandingHandler: serves renderLandingPage's page over node:http or
// Express. Each target's scheme (and URL Link) is generated once, through the
// client's own methods (its tokens, retries and errors), then its page is kept
// in a bounded cache; concurrent first visitors share one platform call.

const { createHash } = require('node:crypto');
const { defaultRate, StartLimiter } = require('./batch.cjs');

const DEFAULT_CACHE_SIZE = 1000;
// A scheme lives at most 30 days (003); a day keeps every page well inside that.
const DEFAULT_CACHE_SECONDS = 86_400;
const MAX_CACHE_SECONDS = 29 * 86_400;
// How long a browser or CDN may keep a page.
const PAGE_MAX_AGE_SECONDS = 300;
const RETRY_AFTER_SECONDS = 30;

const OPTION_NAMES = ['resolve', 'title', 'description', 'buttonText', 'qrUrl', 'lang', 'urlLink', 'cacheSize', 'cacheSeconds', 'onError'];

const ERROR_WORDS = {
  'zh-CN': {
    404: ['页面不存在', '这个链接不存在或已失效。'],
    500: ['页面暂时无法打开', '请稍后再试。'],
    503: ['页面暂时无法打开', '请稍后再试。'],
  },
  en: {
    404: ['Not found', 'This link does not exist or has expired.'],
    500: ['This page cannot open right now', 'Please try again later.'],
    503: ['This page cannot open right now', 'Please try again later.'],
  },
};

function sha256(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's Content-Security-Policy: its inline script and style (`inline`, the core's), nothing else. */
function contentSecurityPolicy(inline) {
  return [
    "default-src 'none'",
    `script-src ${sha256(inline.script)}`,
    `style-src ${sha256(inline.style)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers of every answer. */
function baseHeaders(inline) {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(inline),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** A short page for 404, 500, 503: no script, nothing from the failure (no secret can leak). */
function errorPage(status, lang) {
  const [heading, text] = (ERROR_WORDS[lang] || ERROR_WORDS['zh-CN'])[status];
  const html = `<!DOCTYPE html>\n<html lang="${lang === 'en' ? 'en' : 'zh-CN'}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width,initial-scale=1">\n<title>${heading}</title>\n</head>\n<body>\n<main>\n<h1>${heading}</h1>\n<p>${text}</p>\n</main>\n</body>\n</html>\n`;
  return Buffer.from(html, 'utf8');
}

/** A Map kept in use order: the least recently used entry goes first. */
class BoundedCache {
  constructor(size) {
    this.size = size;
    this.entries = new Map();
  }
  get(key, now) {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }
  set(key, entry) {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value);
  }
}

function readOptions(options, invalid) {
  if (options === null || typeof options !== 'object') throw invalid('options', 'must be an object');
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) throw invalid(`options.${name}`, `unknown option \`${name}\``);
  }
  if (typeof options.resolve !== 'function') throw invalid('resolve', 'must be a function (req) => a URL Scheme request or null');
  const cacheSize = options.cacheSize === undefined ? DEFAULT_CACHE_SIZE : options.cacheSize;
  if (!Number.isInteger(cacheSize) || cacheSize < 1) throw invalid('cacheSize', 'must be a whole number ≥ 1');
  const cacheSeconds = options.cacheSeconds === undefined ? DEFAULT_CACHE_SECONDS : options.cacheSeconds;
  if (typeof cacheSeconds !== 'number' || !(cacheSeconds > 0 && cacheSeconds <= MAX_CACHE_SECONDS)) {
    throw invalid('cacheSeconds', `must be more than 0 and at most ${MAX_CACHE_SECONDS} (29 days: a scheme lives at most 30)`);
  }
  if (options.qrUrl !== undefined && typeof options.qrUrl !== 'string' && typeof options.qrUrl !== 'function') {
    throw invalid('qrUrl', 'must be an https: URL or a function (req) => one');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') throw invalid('onError', 'must be a function');
  return { cacheSize, cacheSeconds };
}

/**
 * createLandingHandler, given index.cjs's renderer, LinkError and its
 * `invalid(platform, api, field, message)`, and the core's inline script and style.
 */
function landingHandlerWith({ renderLandingPage, inline, LinkError, invalid: invalidArgument }) {
  const headers = baseHeaders(inline);
  const invalid = (field, message) => invalidArgument('wechat', 'createLandingHandler', field, message);

  return function createLandingHandler(client, options) {
    if (client === null || typeof client !== 'object' || typeof client.urlscheme !== 'object') {
      throw invalid('client', 'must be a WeChatClient');
    }
    const { cacheSize, cacheSeconds } = readOptions(options, invalid);
    const { resolve, title, description, buttonText, lang, onError } = options;
    // The page's own options, checked now: a wrong title fails at start-up, not per visitor.
    const texts = { title, description, buttonText, lang };
    renderLandingPage({ openlink: 'weixin://dl/business/?t=check', ...texts, qrUrl: typeof options.qrUrl === 'string' ? options.qrUrl : undefined });

    const pages = new BoundedCache(cacheSize);
    const inFlight = new Map();
    const starts = new StartLimiter();
    const schemeRate = defaultRate('wechat', 'urlscheme.generate');
    const linkRate = defaultRate('wechat', 'urllink.generate');
    const errorPages = { 404: errorPage(404, lang), 500: errorPage(500, lang), 503: errorPage(503, lang) };

    const paced = async (rate, call) => {
      const wait = starts.reserve(rate);
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      return call();
    };

    async function generate(request, qrUrl) {
      const { openlink } = await paced(schemeRate, () => client.urlscheme.generate(request));
      let urlLink;
      if (options.urlLink === true) {
        const { path, query, envVersion } = request.jumpWxa || {};
        urlLink = (await paced(linkRate, () => client.urllink.generate({ path, query, envVersion }))).urlLink;
      }
      const html = renderLandingPage({ openlink, urlLink, qrUrl, ...texts });
      return { body: Buffer.from(html, 'utf8'), expires: Date.now() + cacheSeconds * 1000 };
    }

    /** The page for a request: cached, or generated once for every visitor waiting on it. */
    function pageFor(request, qrUrl) {
      const key = JSON.stringify([request, qrUrl]);
      const cached = pages.get(key, Date.now());
      if (cached) return cached;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = generate(request, qrUrl).then(
          (page) => {
            inFlight.delete(key);
            pages.set(key, page);
            return page;
          },
          (error) => {
            inFlight.delete(key);
            throw error;
          }
        );
        inFlight.set(key, pending);
      }
      return pending;
    }

    function send(req, res, status, body, extra) {
      res.writeHead(status, { ...headers, 'Content-Length': body.length, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    }

    function fail(req, res, status, error) {
      if (onError && error !== undefined) {
        // The visitor still gets the error page; a throwing onError must not
        // become an unhandled rejection of the server's request listener.
        try {
          onError(error, req);
        } catch {}
      }
      const extra = { 'Cache-Control': 'no-store' };
      if (status === 503) extra['Retry-After'] = String(RETRY_AFTER_SECONDS);
      send(req, res, status, errorPages[status], extra);
    }

    return async function landingHandler(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 });
        res.end();
        return;
      }
      let request;
      let qrUrl;
      try {
        request = await resolve(req);
        qrUrl = typeof options.qrUrl === 'function' ? options.qrUrl(req) : options.qrUrl;
      } catch (error) {
        fail(req, res, 500, error);
        return;
      }
      if (request === null || request === undefined) {
        fail(req, res, 404);
        return;
      }
      let page;
      try {
        page = await pageFor(request, qrUrl);
      } catch (error) {
        // A caller's mistake (a bad request from resolve) is a bug to fix; the platform's is temporary.
        fail(req, res, error instanceof LinkError && error.code === 'INVALID_ARGUMENT' ? 500 : 503, error);
        return;
      }
      send(req, res, 200, page.body, { 'Cache-Control': `public, max-age=${PAGE_MAX_AGE_SECONDS}` });
    };
  };
}

module.exports = { landingHandlerWith, contentSecurityPolicy };
