'use strict';
// The command line: the command's name and exit codes, its subcommands, their
// flags and request fields, and turning argv and text values into a request.
//
// The argv parser is our own rather than util.parseArgs, which Node 16 only has
// from 16.17 (WeChat cloud functions run older 16.x), and which wants every
// option declared up front while the request-field flags here depend on the
// subcommand.

const EXIT = { OK: 0, FAILED: 1, USAGE: 2, QUOTA: 3, INTERRUPTED: 130 };
const BIN = 'miniprogram-links';

// The request fields of each kind of link (checked again by the core), typed for
// converting text (CSV cells, flag values) into request values.
//   s: string   i: integer   b: boolean   t: Unix seconds, an ISO date or +7d
const FIELDS = {
  urlscheme: {
    'jumpWxa.path': 's', 'jumpWxa.query': 's', 'jumpWxa.envVersion': 's',
    isExpire: 'b', expireType: 'i', expireTime: 't', expireInterval: 'i',
  },
  urllink: {
    path: 's', query: 's', envVersion: 's',
    isExpire: 'b', expireType: 'i', expireTime: 't', expireInterval: 'i',
    'cloudBase.env': 's', 'cloudBase.domain': 's', 'cloudBase.path': 's', 'cloudBase.query': 's', 'cloudBase.resourceAppid': 's',
  },
  nfc: { 'jumpWxa.path': 's', 'jumpWxa.query': 's', 'jumpWxa.envVersion': 's', modelId: 's', sn: 's' },
  shortlink: { pageUrl: 's', pageTitle: 's', isPermanent: 'b' },
  plainScheme: { path: 's', query: 's', envVersion: 's' },
  'douyin.urlLink': { appName: 's', path: 's', query: 's', expireTime: 't' },
  'douyin.schema': { path: 's', query: 's', expireTime: 't', noExpire: 'b' },
};

const COMMANDS = {
  scheme: {
    platform: 'wechat', kind: 'urlscheme', linkKey: 'openlink',
    summary: 'WeChat URL Scheme (weixin://dl/business/?t=…), POST /wxa/generatescheme',
    shorthands: { path: 'jumpWxa.path', query: 'jumpWxa.query', envVersion: 'jumpWxa.envVersion' },
  },
  link: {
    platform: 'wechat', kind: 'urllink', linkKey: 'urlLink',
    summary: 'WeChat URL Link (https://wxaurl.cn/…), POST /wxa/generate_urllink',
  },
  nfc: {
    platform: 'wechat', kind: 'nfc', linkKey: 'openlink',
    summary: 'WeChat NFC scheme for a device model (--model-id), POST /wxa/generatenfcscheme',
    shorthands: { path: 'jumpWxa.path', query: 'jumpWxa.query', envVersion: 'jumpWxa.envVersion' },
  },
  short: {
    platform: 'wechat', kind: 'shortlink', linkKey: 'link',
    summary: 'WeChat Short Link (#小程序://…), POST /wxa/genwxashortlink',
  },
  plain: {
    platform: 'wechat', kind: 'plainScheme', linkKey: null,
    summary: 'WeChat plaintext scheme (weixin://dl/business/?appid=…), built locally: needs only the appid',
  },
  'douyin-link': {
    platform: 'douyin', kind: 'douyin.urlLink', linkKey: 'urlLink',
    summary: 'Douyin URL Link, POST /api/apps/url_link/generate (--api v2: open.douyin.com)',
  },
  'douyin-schema': {
    platform: 'douyin', kind: 'douyin.schema', linkKey: 'schema', api: 'v2',
    summary: 'Douyin Schema (sslocal://miniapp?ticket=…), POST /api/apps/v1/url/generate_schema/ on open.douyin.com',
  },
  page: {
    platform: 'wechat', kind: 'urlscheme', linkKey: 'openlink',
    summary: 'a landing page (HTML, for static hosting) for SMS and e-mail visitors: a URL Scheme, rendered by renderLandingPage',
    shorthands: { path: 'jumpWxa.path', query: 'jumpWxa.query', envVersion: 'jumpWxa.envVersion' },
  },
  token: { platform: null, kind: null, summary: 'an access token (prints it: treat the output as a secret)' },
};

// Flags every subcommand takes. `secret`: its value is never printed.
const COMMON_FLAGS = {
  appid: { type: 'string' },
  secret: { type: 'string', secret: true },
  accessToken: { type: 'string', secret: true },
  baseUrl: { type: 'string' },
  timeoutMs: { type: 'int' },
  retries: { type: 'int' },
  stableToken: { type: 'boolean' },
  api: { type: 'string' },
  help: { type: 'boolean' },
};
const LINK_FLAGS = {
  request: { type: 'string' },
  text: { type: 'boolean' },
  input: { type: 'string' },
  output: { type: 'string' },
  inputFormat: { type: 'string' },
  outputFormat: { type: 'string' },
  concurrency: { type: 'int' },
  rate: { type: 'number' },
  keep: { type: 'string' },
  overwrite: { type: 'boolean' },
  progress: { type: 'boolean' },
};
// `page`: renderLandingPage's options, --url-link (a URL Link too, for WeChat's browser) and the file.
const PAGE_FLAGS = {
  request: { type: 'string' },
  title: { type: 'string' },
  description: { type: 'string' },
  buttonText: { type: 'string' },
  qrUrl: { type: 'string' },
  lang: { type: 'string' },
  urlLink: { type: 'boolean' },
  output: { type: 'string' },
};
const TOKEN_FLAGS = { platform: { type: 'string' }, forceRefresh: { type: 'boolean' }, text: { type: 'boolean' } };

/** A wrong command line or input file: its message is shown alone, and the exit code is 2. */
class UsageError extends Error {}

/** `expire_time`, `expire-time`, `expireTime` → `expireTime`, per dotted segment. */
function camel(name) {
  return name
    .split('.')
    .map((seg) => seg.replace(/[-_]+([a-zA-Z0-9])/g, (_, c) => c.toUpperCase()))
    .join('.');
}

function kebab(name) {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const BOOL_TEXT = /^(true|false|1|0|yes|no)$/i;

/**
 * A small argv parser: `--name value`, `--name=value`, `--flag`, `--no-flag`,
 * `-h`. Names may be written kebab-, snake- or camel-case. Values are never
 * quoted back in errors (one of them may be a secret).
 */
function parseArgv(argv, known, fieldTypes) {
  const flags = {};
  const fields = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '-h') {
      flags.help = true;
      continue;
    }
    if (!token.startsWith('--') || token === '--') {
      throw new UsageError(`unexpected argument #${i + 1}${token.startsWith('-') ? ` (${token.split('=')[0]})` : ''}: flags start with --, see --help`);
    }
    const eq = token.indexOf('=');
    const rawName = eq === -1 ? token.slice(2) : token.slice(2, eq);
    let inline = eq === -1 ? undefined : token.slice(eq + 1);
    let name = camel(rawName);
    let negated = false;
    if (!known[name] && !fieldTypes[name] && /^no[A-Z]/.test(name) && known[name[2].toLowerCase() + name.slice(3)]) {
      name = name[2].toLowerCase() + name.slice(3);
      negated = true;
    }
    const spec = known[name] || (fieldTypes[name] ? { type: fieldTypes[name] === 'b' ? 'fieldBool' : 'field' } : null);
    if (!spec) throw new UsageError(`unknown flag --${rawName} (see --help)`);
    if (negated && spec.type !== 'boolean') throw new UsageError(`unknown flag --${rawName} (see --help)`);
    const takeValue = () => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`--${rawName} needs a value`);
      i += 1;
      return next;
    };
    if (spec.type === 'boolean') {
      if (inline !== undefined && !BOOL_TEXT.test(inline)) throw new UsageError(`--${rawName} takes no value (or true/false)`);
      const on = inline === undefined ? true : /^(true|1|yes)$/i.test(inline);
      flags[name] = negated ? !on : on;
      continue;
    }
    if (spec.type === 'fieldBool') {
      if (inline === undefined && argv[i + 1] !== undefined && BOOL_TEXT.test(argv[i + 1])) inline = argv[++i];
      fields[name] = inline === undefined ? 'true' : inline;
      continue;
    }
    const value = takeValue();
    if (spec.type === 'field') {
      fields[name] = value;
      continue;
    }
    if (name in flags) throw new UsageError(`--${rawName} given twice`);
    if (spec.type === 'int') {
      if (!/^\d+$/.test(value)) throw new UsageError(`--${rawName} needs a whole number`);
      flags[name] = Number(value);
    } else if (spec.type === 'number') {
      if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`--${rawName} needs a number above 0`);
      flags[name] = Number(value);
    } else {
      flags[name] = value;
    }
  }
  return { flags, fields };
}

const DURATION = /^\+(\d+)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 };

/** Converts a text value by the field's type; what does not convert is passed on for the core to reject. */
function convert(type, value) {
  if (typeof value !== 'string') return value;
  if (type === 'i' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'b' && BOOL_TEXT.test(value)) return /^(true|1|yes)$/i.test(value);
  if (type === 't') {
    if (/^\d+$/.test(value)) return Number(value);
    const d = DURATION.exec(value);
    if (d) return Math.floor(Date.now() / 1000) + Number(d[1]) * UNIT_SECONDS[d[2]];
    if (/^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  }
  return value;
}

/** A request from `{ 'jumpWxa.path': 'pages/a', expireInterval: '7' }` (canonical names). Empty values are left out. */
function buildRequest(flat, types) {
  const request = {};
  for (const [name, raw] of Object.entries(flat)) {
    if (raw === '' || raw === undefined || raw === null) continue;
    const value = convert(types[name], raw);
    const parts = name.split('.');
    let target = request;
    for (const part of parts.slice(0, -1)) {
      if (target[part] === undefined) target[part] = {};
      target = target[part];
    }
    target[parts[parts.length - 1]] = value;
  }
  return request;
}

module.exports = {
  BIN,
  EXIT,
  FIELDS,
  COMMANDS,
  COMMON_FLAGS,
  LINK_FLAGS,
  PAGE_FLAGS,
  TOKEN_FLAGS,
  UsageError,
  camel,
  kebab,
  parseArgv,
  buildRequest,
};
