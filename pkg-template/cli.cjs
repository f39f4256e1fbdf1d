#!/usr/bin/env node
'use strict';
// The `miniprogram-links` command: one link from flags, or one link per row of a
// CSV / JSONL file (resumable, rate-limited, interruptible). Run with --help.
//
// No dependencies, on purpose: the package promises none, and runs on Node 16.
//   - Arguments: a small parser of our own (parseArgv below) rather than
//     util.parseArgs, which Node 16 only has from 16.17 (WeChat cloud functions
//     run older 16.x), and which wants every option declared up front while the
//     request-field flags here depend on the subcommand.
//   - CSV: an RFC 4180 reader and writer of our own (parseCsv, csvRecord below):
//     quoted fields with embedded commas, quotes ("") and line breaks, CRLF or
//     LF, a UTF-8 BOM skipped. It is about a hundred lines; a dependency for it
//     would be the package's first.

const fs = require('fs');
const path = require('path');
const { WeChatClient, DouyinClient } = require('./index.cjs');

const EXIT = { OK: 0, FAILED: 1, USAGE: 2, QUOTA: 3, INTERRUPTED: 130 };
const BIN = 'miniprogram-links';

// ---------------------------------------------------------------------------
// Subcommands and the request fields each takes (checked again by the core).

// Field types, for converting text (CSV cells, flag values) into request values.
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
  shortlink: { pageUrl: 's', pageTitle: 's', isPermanent: 'b' },
  plainScheme: { path: 's', query: 's', envVersion: 's' },
  'douyin.urlLink': { appName: 's', path: 's', query: 's', expireTime: 't' },
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
const TOKEN_FLAGS = { platform: { type: 'string' }, forceRefresh: { type: 'boolean' }, text: { type: 'boolean' } };

class UsageError extends Error {}

// ---------------------------------------------------------------------------
// Arguments

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

// ---------------------------------------------------------------------------
// Request values from text

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

// ---------------------------------------------------------------------------
// CSV (RFC 4180), see the note at the top

/**
 * Parses CSV text into records `{ fields, line, terminated, error? }`:
 * `line` is the 1-based line the record starts on, `terminated` whether a line
 * break ended it (false for a last line without one, or an unterminated quote),
 * `error` what is wrong with a malformed record (then `fields` are what could be
 * read and parsing goes on at the next line). Blank lines are skipped.
 */
function parseCsv(text) {
  const records = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields = [];
    let error = null;
    let terminated = false;
    let blank = true;
    for (;;) {
      // One field, starting at i.
      let value = '';
      if (text[i] === '"') {
        blank = false;
        i += 1;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          const end = q === -1 ? n : q;
          const chunk = text.slice(i, end);
          value += chunk;
          for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line += 1;
          i = end;
          if (q === -1) break;
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          error = `the quoted field that starts on line ${startLine} is never closed`;
          fields.push(value);
          break;
        }
        const c = text[i];
        if (i < n && c !== ',' && c !== '\n' && c !== '\r') {
          error = `line ${line}: characters after a closing quote (a quote inside a field is written "")`;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text[j];
          if (c === ',' || c === '\n' || c === '\r') break;
          if (c === '"' && !error) error = `line ${line}: a quote inside an unquoted field (a field with quotes in it must be quoted, and its quotes doubled)`;
          j += 1;
        }
        value = text.slice(i, j);
        if (value !== '') blank = false;
        i = j;
      }
      fields.push(value);
      if (error) {
        // Resynchronise at the next line break.
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? n : nl + 1;
        terminated = nl !== -1;
        if (nl !== -1) line += 1;
        break;
      }
      if (i >= n) break;
      const c = text[i];
      if (c === ',') {
        blank = false;
        i += 1;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      // A line break: CRLF, LF or a lone CR.
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      terminated = true;
      break;
    }
    if (blank && !error && fields.length <= 1) continue;
    const record = { fields, line: startLine, terminated };
    if (error) record.error = error;
    records.push(record);
  }
  return records;
}

function csvField(value) {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRecord(fields) {
  return `${fields.map(csvField).join(',')}\r\n`;
}

// ---------------------------------------------------------------------------
// Input rows

function formatOf(file, given, flag) {
  if (given !== undefined) {
    if (given !== 'csv' && given !== 'jsonl') throw new UsageError(`--${flag} is csv or jsonl`);
    return given;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new UsageError(`cannot tell the format of ${file} from its name: use a .csv or .jsonl name, or --${flag} csv|jsonl`);
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `{ jumpWxa: { path } }` → `{ 'jumpWxa.path': … }`: nested objects become dotted keys. */
function flatten(obj, prefix = '', out = {}) {
  for (const [key, value] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) flatten(value, name, out);
    else out[name] = value;
  }
  return out;
}

/** How a value is shown in a CSV cell, and compared on resume. */
function cellText(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Reads the input file into `{ columns, rows }`: `columns` the input's column
 * names (CSV header, or the JSONL keys flattened, in first-seen order), `rows`
 * `{ row, values: { column: value }, original?, error? }`, row numbers from 1.
 */
function readInput(file, format) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --input ${file}: ${err.code || err.message}`);
  }
  if (format === 'csv') {
    const records = parseCsv(text);
    if (records.length === 0) throw new UsageError(`--input ${file} is empty: it needs a header line naming the request fields`);
    const header = records[0];
    if (header.error) throw new UsageError(`--input ${file}: the header is malformed: ${header.error}`);
    const columns = header.fields.map((c) => c.trim());
    const seen = new Set();
    for (const c of columns) {
      if (c === '') throw new UsageError(`--input ${file}: the header has an empty column name`);
      if (seen.has(c)) throw new UsageError(`--input ${file}: the header names column "${c}" twice`);
      seen.add(c);
    }
    const rows = records.slice(1).map((rec, k) => {
      const values = {};
      columns.forEach((c, j) => {
        values[c] = rec.fields[j] === undefined ? '' : rec.fields[j];
      });
      const row = { row: k + 1, values };
      if (rec.error) row.error = `CSV ${rec.error}`;
      else if (rec.fields.length !== columns.length) {
        row.error = `CSV line ${rec.line}: ${rec.fields.length} field${rec.fields.length === 1 ? '' : 's'}, but the header has ${columns.length}`;
      }
      return row;
    });
    return { columns, rows };
  }
  const columns = [];
  const seen = new Set();
  const rows = [];
  const lines = text.split('\n');
  lines.forEach((raw, k) => {
    const line = raw.replace(/\r$/, '').replace(/^\ufeff/, '');
    if (line.trim() === '') return;
    const row = { row: rows.length + 1, values: {} };
    rows.push(row);
    let obj;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      row.error = `JSONL line ${k + 1}: not JSON (${err.message})`;
      return;
    }
    if (!isPlainObject(obj)) {
      row.error = `JSONL line ${k + 1}: not a JSON object`;
      return;
    }
    row.original = obj;
    row.values = flatten(obj);
    for (const c of Object.keys(row.values)) {
      if (!seen.has(c)) {
        seen.add(c);
        columns.push(c);
      }
    }
  });
  return { columns, rows };
}

/**
 * Maps input columns to request fields; unknown columns are a usage error naming
 * them all. Two CSV columns for one field (expireTime and expire_time) are one
 * too; JSONL rows may spell a field differently from each other (not twice in one).
 */
function mapColumns(columns, kind, keep, oneRowPerSpelling) {
  const types = FIELDS[kind];
  const fieldOf = {};
  const unknown = [];
  const byField = {};
  for (const c of columns) {
    if (keep.has(c)) continue;
    const name = camel(c);
    if (!types[name]) {
      unknown.push(c);
      continue;
    }
    if (byField[name] && oneRowPerSpelling) throw new UsageError(`columns "${byField[name]}" and "${c}" are the same field (${name})`);
    byField[name] = c;
    fieldOf[c] = name;
  }
  if (unknown.length > 0) {
    const reserved = unknown.filter((c) => RESERVED.includes(c));
    throw new UsageError(
      `unknown column${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `"${c}"`).join(', ')}: ` +
        `the fields of a ${kind} request are ${Object.keys(types).join(', ')} (either naming style)` +
        (reserved.length ? `; ${RESERVED.join(', ')} are output columns` : '') +
        '; --keep names columns to copy to the output without sending them'
    );
  }
  return fieldOf;
}

const RESERVED = ['row', 'link', 'error'];

// ---------------------------------------------------------------------------
// Output rows

function errorText(err) {
  return `${err.code}: ${err.message}`;
}

function errorObject(err) {
  const out = { code: err.code, message: err.message };
  for (const k of ['errcode', 'field', 'reason']) if (err[k] !== undefined) out[k] = err[k];
  return out;
}

function makeWriter(format, columns) {
  const header = ['row', ...columns, 'link', 'error'];
  if (format === 'csv') {
    return {
      header: csvRecord(header),
      record(row, values, original, link, err) {
        return csvRecord([row, ...columns.map((c) => cellText(values[c])), link || '', err ? errorText(err) : '']);
      },
      rewrite(done) {
        return csvRecord([done.row, ...columns.map((c) => done.cells[c]), done.link, '']);
      },
    };
  }
  return {
    header: '',
    record(row, values, original, link, err) {
      const obj = Object.assign({ row }, original || values, { link: link || '', error: err ? errorObject(err) : null });
      return `${JSON.stringify(obj)}\n`;
    },
    rewrite(done) {
      return `${JSON.stringify(done.object)}\n`;
    },
  };
}

/**
 * Reads an existing output file for a resume: `Map<row, done>` of the rows done
 * (link set, error empty). A last record cut short (no line break: the process
 * died mid-write) is ignored; so is any other damaged record (that row is redone).
 * An output made from another input is a usage error.
 */
function readDone(file, format, columns, rows) {
  const text = fs.readFileSync(file, 'utf8');
  const done = new Map();
  const mismatch = (what) =>
    new UsageError(`--output ${file} exists but ${what}: it was not made from this --input by this command. Use another --output, or --overwrite to start over`);
  const check = (rowNo, cells) => {
    const input = rows[rowNo - 1];
    if (!input) throw mismatch(`has row ${rowNo}, beyond the input's ${rows.length}`);
    for (const c of columns) {
      if (cellText(input.values[c]) !== cells[c]) throw mismatch(`its row ${rowNo} differs from the input's in column "${c}"`);
    }
  };
  if (format === 'csv') {
    const records = parseCsv(text);
    if (records.length === 0) return done;
    const header = ['row', ...columns, 'link', 'error'];
    const got = records[0].fields;
    if (records[0].error || got.length !== header.length || got.some((f, k) => f !== header[k])) throw mismatch('has other columns than this input gives');
    for (const rec of records.slice(1)) {
      if (rec.error || !rec.terminated || rec.fields.length !== header.length) continue;
      const rowNo = Number(rec.fields[0]);
      if (!Number.isInteger(rowNo) || rowNo < 1) continue;
      const cells = {};
      columns.forEach((c, k) => {
        cells[c] = rec.fields[k + 1];
      });
      check(rowNo, cells);
      const link = rec.fields[header.length - 2];
      const error = rec.fields[header.length - 1];
      if (link !== '' && error === '') done.set(rowNo, { row: rowNo, cells, link });
    }
    return done;
  }
  const lines = text.split('\n');
  lines.forEach((line, k) => {
    if (k === lines.length - 1) return; // no line break after it: cut short (or empty)
    let obj;
    try {
      obj = JSON.parse(line);
    } catch (_) {
      return;
    }
    if (!isPlainObject(obj) || !Number.isInteger(obj.row) || obj.row < 1) return;
    const rest = Object.assign({}, obj);
    delete rest.row;
    delete rest.link;
    delete rest.error;
    const input = rows[obj.row - 1];
    if (!input) throw mismatch(`has row ${obj.row}, beyond the input's ${rows.length}`);
    const flat = flatten(rest);
    const cells = {};
    for (const c of columns) cells[c] = cellText(flat[c]);
    for (const c of Object.keys(flat)) if (!columns.includes(c)) throw mismatch(`its row ${obj.row} has column "${c}", which the input has not`);
    check(obj.row, cells);
    if (typeof obj.link === 'string' && obj.link !== '' && (obj.error === null || obj.error === undefined || obj.error === '')) {
      done.set(obj.row, { row: obj.row, object: obj });
    }
  });
  return done;
}

// ---------------------------------------------------------------------------
// Progress on stderr

function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

function makeProgress(stream, total, alreadyDone, enabled) {
  const tty = !!stream.isTTY;
  const start = Date.now();
  const state = { done: 0, errors: 0 };
  let timer = null;
  const describeNow = () => {
    const elapsed = (Date.now() - start) / 1000;
    const all = alreadyDone + state.done;
    const rate = elapsed > 0.5 ? state.done / elapsed : NaN;
    const eta = rate > 0 ? (total - all) / rate : NaN;
    const pct = total > 0 ? Math.floor((all / total) * 100) : 100;
    return { all, rate, eta, pct, elapsed };
  };
  const draw = (final) => {
    const { all, rate, eta, pct } = describeNow();
    const rateText = Number.isFinite(rate) ? `${rate.toFixed(rate < 10 ? 1 : 0)}/s` : '–/s';
    if (tty) {
      const width = 24;
      const fill = total > 0 ? Math.round((all / total) * width) : width;
      const bar = `${'█'.repeat(fill)}${'░'.repeat(width - fill)}`;
      stream.write(`\r\x1b[K${bar} ${all}/${total} ${pct}% ${rateText} ETA ${formatDuration(eta)} errors ${state.errors}${final ? '\n' : ''}`);
    } else {
      stream.write(`${BIN}: ${all}/${total} rows (${pct}%), ${rateText}, ETA ${formatDuration(eta)}, ${state.errors} error${state.errors === 1 ? '' : 's'}\n`);
    }
  };
  return {
    start() {
      if (!enabled) return;
      if (tty) draw(false);
      timer = setInterval(() => draw(false), tty ? 100 : 2000);
      if (timer.unref) timer.unref();
    },
    update(done, errors) {
      state.done = done;
      state.errors = errors;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (enabled) draw(true);
    },
    elapsed: () => (Date.now() - start) / 1000,
  };
}

// ---------------------------------------------------------------------------
// Clients and credentials

function makeClient(platform, flags, env, { needSecret = true } = {}) {
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
  if (platform === 'wechat') {
    if (flags.stableToken) options.stableToken = true;
    if (flags.api !== undefined) throw new UsageError('--api is for douyin-link (v1 or v2)');
  } else {
    if (flags.stableToken) throw new UsageError('--stable-token is for WeChat');
    if (flags.api !== undefined) {
      if (flags.api !== 'v1' && flags.api !== 'v2') throw new UsageError('--api is v1 or v2');
      if (flags.api === 'v2') options.api = 'v2';
    }
  }
  const secrets = [secret, accessToken].filter((s) => typeof s === 'string' && s.length >= 4);
  const Client = platform === 'wechat' ? WeChatClient : DouyinClient;
  return { client: new Client(options), secrets };
}

// ---------------------------------------------------------------------------
// Help

function fieldHelp(kind, shorthands) {
  const names = { s: 'text', i: 'integer', b: 'true/false', t: 'Unix seconds, ISO date or +7d/+12h' };
  const lines = Object.entries(FIELDS[kind]).map(([f, t]) => `    --${kebab(f).padEnd(26)} ${names[t]}`);
  if (shorthands) {
    for (const [s, f] of Object.entries(shorthands)) lines.push(`    --${kebab(s).padEnd(26)} same as --${kebab(f)}`);
  }
  return lines.join('\n');
}

function mainHelp() {
  const cmds = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
    .join('\n');
  return `usage: ${BIN} <command> [flags]        (${BIN} <command> --help for its flags)

Create WeChat and Douyin mini-program links, one from flags or one per row of
a CSV / JSONL file.

commands:
${cmds}

credentials (from the environment, or flags; never printed):
  WECHAT_APPID, WECHAT_SECRET   (or WECHAT_ACCESS_TOKEN)    --appid, --secret, --access-token
  DOUYIN_APPID, DOUYIN_SECRET   (or DOUYIN_ACCESS_TOKEN)

output: JSON on stdout (--text: the link alone); messages and progress on stderr.
exit codes: 0 done, 1 some rows failed or an API error, 2 usage error,
            3 stopped by a quota error, 130 interrupted (SIGINT)
`;
}

function commandHelp(name) {
  const c = COMMANDS[name];
  if (name === 'token') {
    return `usage: ${BIN} token [--platform wechat|douyin] [--force-refresh] [--text] [flags]

Prints {"accessToken", "expiresIn"} for the app (the token is a credential:
keep the output to yourself). Needs appid and secret.

  --platform wechat|douyin   default wechat
  --force-refresh            a new token even if one is cached (WeChat stable token: limited, 20 a day)
  --text                     print the token alone
${commonHelp('wechat')}`;
  }
  const prefix = c.platform === 'wechat' ? 'WECHAT' : 'DOUYIN';
  const link = c.linkKey ? `"${c.linkKey}"` : 'the scheme';
  return `usage: ${BIN} ${name} [request fields] [flags]
       ${BIN} ${name} --input rows.csv|rows.jsonl --output links.csv|links.jsonl [flags]

${c.summary}.

One link: the request from the field flags (or --request '<JSON>'); prints the
result as JSON (--text: ${link} alone).

request fields (flags here; CSV columns or JSONL keys in batch mode, where
either naming style works: expireTime or expire_time, jumpWxa.path or
jump_wxa.path; empty cells are left out):
${fieldHelp(c.kind, c.shorthands)}

batch mode:
  --input FILE               one request per row: .csv (a header naming the fields) or .jsonl
  --output FILE              .csv or .jsonl: every input row, with columns row (its number in the
                             input, from 1), link and error (empty, or the error's code and message),
                             written as rows finish. Re-running with the same --output resumes: rows
                             with a link and no error are skipped, the others are done again.
  --input-format, --output-format csv|jsonl   when the file name does not say
  --keep COLS                comma-separated input columns copied to the output but not sent
  --concurrency N            rows in flight at most (default 32)
  --rate N                   requests a second at most (default 90% of the documented limit:
                             URL Link 180, URL Scheme 90, Douyin 90; Short Link 90)
  --overwrite                start over instead of resuming
  --no-progress              no progress on stderr (a bar on a terminal, else a line every 2 s)
  A quota error stops the run (exit 3): the rows not started are written with
  error NOT_DONE and done on the next run. Ctrl-C stops starting rows, waits for
  the ones in flight, writes everything and exits 130; a second Ctrl-C quits at once.

${commonHelp(c.platform, prefix)}`;
}

function commonHelp(platform, prefix = 'WECHAT') {
  return `credentials: ${prefix}_APPID and ${prefix}_SECRET (or ${prefix}_ACCESS_TOKEN) from the
environment, or --appid, --secret, --access-token (visible to other users in the process
list: prefer the environment)

other flags:
  --base-url URL             API address (a proxy, or the emulator); default the platform's
  --timeout-ms N             per attempt (default 10000)
  --retries N                extra attempts for transient failures (default 2)
${platform === 'wechat' ? '  --stable-token             use /cgi-bin/stable_token\n' : '  --api v1|v2                v2: open.douyin.com\n'}  --help, -h
`;
}

// ---------------------------------------------------------------------------
// Commands

function linkOf(command, result) {
  if (command.linkKey === null) return typeof result === 'string' ? result : '';
  return result && typeof result[command.linkKey] === 'string' ? result[command.linkKey] : '';
}

function exitCodeFor(err) {
  if (err && err.code === 'INVALID_ARGUMENT') return EXIT.USAGE;
  if (err && require('./batch.cjs').QUOTA_ERRCODES.has(err.errcode)) return EXIT.QUOTA;
  return EXIT.FAILED;
}

async function runToken(flags, env, io) {
  const platform = flags.platform || 'wechat';
  if (platform !== 'wechat' && platform !== 'douyin') throw new UsageError('--platform is wechat or douyin');
  const { client, secrets } = makeClient(platform, flags, env);
  io.secrets.push(...secrets);
  try {
    const result = await client.getAccessToken(flags.forceRefresh ? { forceRefresh: true } : {});
    io.out(flags.text ? `${result.accessToken}\n` : `${JSON.stringify(result)}\n`);
    return EXIT.OK;
  } catch (err) {
    io.err(`${BIN}: ${err.code}: ${err.message}\n`);
    return exitCodeFor(err);
  }
}

async function runSingle(name, command, flags, fields, env, io) {
  const types = FIELDS[command.kind];
  let request = {};
  if (flags.request !== undefined) {
    try {
      request = JSON.parse(flags.request);
    } catch (err) {
      throw new UsageError(`--request is not JSON: ${err.message}`);
    }
    if (!isPlainObject(request)) throw new UsageError('--request must be a JSON object');
  }
  const flat = {};
  for (const [name2, value] of Object.entries(fields)) {
    const canonical = (command.shorthands && command.shorthands[name2]) || name2;
    if (canonical in flat) throw new UsageError(`--${kebab(canonical)} given twice`);
    flat[canonical] = value;
  }
  const fromFlags = buildRequest(flat, types);
  for (const [k, v] of Object.entries(fromFlags)) {
    request[k] = isPlainObject(v) && isPlainObject(request[k]) ? Object.assign({}, request[k], v) : v;
  }
  const { client, secrets } = makeClient(command.platform, flags, env, { needSecret: command.kind !== 'plainScheme' });
  io.secrets.push(...secrets);
  try {
    let result;
    if (command.kind === 'plainScheme') result = client.plainScheme(request);
    else if (command.kind === 'douyin.urlLink') result = await client.urlLink.generate(request);
    else result = await client[command.kind].generate(request);
    const link = linkOf(command, result);
    if (flags.text) io.out(`${link}\n`);
    else io.out(`${JSON.stringify(command.kind === 'plainScheme' ? { scheme: result } : result)}\n`);
    return EXIT.OK;
  } catch (err) {
    io.err(`${BIN} ${name}: ${err.code}: ${err.message}\n`);
    return exitCodeFor(err);
  }
}

async function runBatch(name, command, flags, fields, env, io) {
  if (Object.keys(fields).length > 0 || flags.request !== undefined) {
    throw new UsageError('with --input, the request fields come from the file: no field flags or --request');
  }
  if (flags.output === undefined) throw new UsageError('--input needs --output (a .csv or .jsonl file)');
  if (flags.text) throw new UsageError('--text is for one link, not --input');
  if (flags.concurrency !== undefined && flags.concurrency < 1) throw new UsageError('--concurrency needs a whole number above 0');
  const inFormat = formatOf(flags.input, flags.inputFormat, 'input-format');
  const outFormat = formatOf(flags.output, flags.outputFormat, 'output-format');
  if (path.resolve(flags.input) === path.resolve(flags.output)) throw new UsageError('--input and --output are the same file');
  const keep = new Set(
    (flags.keep || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  );
  for (const k of keep) if (RESERVED.includes(k)) throw new UsageError(`--keep: "${k}" is an output column`);

  const { columns, rows } = readInput(flags.input, inFormat);
  const fieldOf = mapColumns(columns, command.kind, keep, inFormat === 'csv');
  const types = FIELDS[command.kind];
  const writer = makeWriter(outFormat, columns);

  // Credentials are checked before the output is touched.
  const { client, secrets } = makeClient(command.platform, flags, env, { needSecret: command.kind !== 'plainScheme' });
  io.secrets.push(...secrets);

  // Resume: the rows already done are kept (rewritten), the others redone.
  let done = new Map();
  const exists = fs.existsSync(flags.output);
  if (exists && !flags.overwrite) {
    try {
      done = readDone(flags.output, outFormat, columns, rows);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read --output ${flags.output}: ${err.code || err.message}`);
    }
  }
  let fd;
  try {
    const tmp = `${flags.output}.${process.pid}.tmp`;
    let text = writer.header;
    for (const d of [...done.values()].sort((a, b) => a.row - b.row)) text += writer.rewrite(d);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, flags.output);
    fd = fs.openSync(flags.output, 'a');
  } catch (err) {
    throw new UsageError(`cannot write --output ${flags.output}: ${err.code || err.message}`);
  }

  const write = (row, link, err) => {
    fs.writeSync(fd, writer.record(row.row, row.values, row.original, link, err));
  };

  const pending = [];
  const counts = { succeeded: 0, failed: 0, notDone: 0 };
  const broken = [];
  for (const row of rows) {
    if (done.has(row.row)) continue;
    if (row.error) broken.push(row);
    else {
      const flat = {};
      for (const [c, f] of Object.entries(fieldOf)) {
        const value = row.values[c];
        if (value === undefined) continue;
        if (flat[f] !== undefined) row.error = `${f} is given twice in this row`;
        flat[f] = value;
      }
      if (row.error) broken.push(row);
      else pending.push({ row, request: buildRequest(flat, types) });
    }
  }
  const total = rows.length;
  const progress = makeProgress(io.stderr, total, done.size, flags.progress !== false);
  progress.start();
  // Malformed rows are recorded at once and never sent.
  for (const row of broken) {
    write(row, '', { code: 'INVALID_ARGUMENT', message: row.error, field: 'row' });
    counts.failed += 1;
  }
  progress.update(broken.length, counts.failed);

  let stopped = null;
  let interrupted = 0;
  const controller = new AbortController();
  const onSignal = (sig) => {
    interrupted += 1;
    if (interrupted === 1) {
      stopped = sig === 'SIGTERM' ? 'terminated' : 'interrupted';
      io.err(`\n${BIN}: ${sig}: no new rows; waiting for the rows in flight (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again quits at once)\n`);
      controller.abort();
    } else {
      io.err(`${BIN}: quitting; rows in flight are not written and will be done again on the next run\n`);
      try {
        fs.fsyncSync(fd);
      } catch (_) {
        // nothing more can be done
      }
      process.exit(sig === 'SIGTERM' ? 143 : EXIT.INTERRUPTED);
    }
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const syncTimer = setInterval(() => {
    try {
      fs.fsyncSync(fd);
    } catch (_) {
      // reported by the final fsync
    }
  }, 1000);
  if (syncTimer.unref) syncTimer.unref();

  let quotaError = null;
  let authError = null;
  try {
    if (pending.length > 0) {
      const options = { kind: command.kind, signal: controller.signal };
      if (flags.concurrency !== undefined) options.concurrency = flags.concurrency;
      if (flags.rate !== undefined) options.ratePerSecond = flags.rate;
      const runDone = () => counts.succeeded + counts.failed + counts.notDone;
      for await (const outcome of client.generateMany(
        pending.map((p) => p.request),
        options
      )) {
        const { row } = pending[outcome.index];
        if (outcome.error) {
          const err = outcome.error;
          if (err.code === 'NOT_DONE') {
            counts.notDone += 1;
            if (err.reason === 'quota' && !stopped) stopped = 'quota';
            if (err.reason === 'auth' && !stopped) stopped = 'auth';
          } else {
            counts.failed += 1;
            if (require('./batch.cjs').QUOTA_ERRCODES.has(err.errcode)) quotaError = quotaError || err;
            else if (/getAccessToken$/.test(String(err.api)) && err.retryable === false) authError = authError || err;
          }
          write(row, '', err);
        } else {
          counts.succeeded += 1;
          write(row, linkOf(command, outcome.result), null);
        }
        progress.update(runDone(), counts.failed + counts.notDone);
      }
    }
  } finally {
    clearInterval(syncTimer);
    process.removeListener('SIGINT', onInt);
    process.removeListener('SIGTERM', onTerm);
    progress.stop();
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  if (quotaError && !stopped) stopped = 'quota';
  if (authError && !stopped) stopped = 'auth';

  const summary = {
    total,
    alreadyDone: done.size,
    succeeded: counts.succeeded,
    failed: counts.failed,
    notDone: counts.notDone,
    stopped,
    output: flags.output,
  };
  const left = counts.failed + counts.notDone;
  let note = `${BIN}: ${done.size + counts.succeeded}/${total} rows have a link (${counts.succeeded} now, ${done.size} before), ` +
    `${counts.failed} failed, ${counts.notDone} not done, ${progress.elapsed().toFixed(1)} s`;
  if (stopped === 'quota') note += `; stopped: ${(quotaError && quotaError.message) || 'the quota is used up'}`;
  if (stopped === 'auth') note += `; stopped: ${(authError && authError.message) || 'no access token'}`;
  if (stopped === 'interrupted' || stopped === 'terminated') note += `; ${stopped}: run the same command again to do the rest`;
  else if (left > 0) note += `; the rows with an error are done again when the same command runs again`;
  io.err(`${note}\n`);
  io.out(`${JSON.stringify(summary)}\n`);
  if (stopped === 'interrupted') return EXIT.INTERRUPTED;
  if (stopped === 'terminated') return 143;
  if (stopped === 'quota') return EXIT.QUOTA;
  return left > 0 ? EXIT.FAILED : EXIT.OK;
}

async function main(argv, env, io) {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(mainHelp());
    return EXIT.USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0] !== undefined) {
      if (!COMMANDS[rest[0]]) throw new UsageError(`unknown command "${rest[0]}"`);
      io.out(commandHelp(rest[0]));
    } else io.out(mainHelp());
    return EXIT.OK;
  }
  if (first === '--version' || first === '-v') {
    io.out(`${require('./package.json').version}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS[first];
  if (!command) {
    throw new UsageError(first.startsWith('-') ? 'the command comes first: see --help' : `unknown command "${first.slice(0, 40)}": see --help`);
  }
  if (first === 'token') {
    const { flags } = parseArgv(rest, Object.assign({}, COMMON_FLAGS, TOKEN_FLAGS), {});
    if (flags.help) {
      io.out(commandHelp(first));
      return EXIT.OK;
    }
    if (flags.platform === 'douyin' && flags.stableToken) throw new UsageError('--stable-token is for WeChat');
    return runToken(flags, env, io);
  }
  const fieldTypes = Object.assign({}, FIELDS[command.kind]);
  for (const [s, f] of Object.entries(command.shorthands || {})) fieldTypes[s] = FIELDS[command.kind][f];
  const { flags, fields } = parseArgv(rest, Object.assign({}, COMMON_FLAGS, LINK_FLAGS), fieldTypes);
  if (flags.help) {
    io.out(commandHelp(first));
    return EXIT.OK;
  }
  if (flags.input !== undefined) return runBatch(first, command, flags, fields, env, io);
  for (const f of ['output', 'inputFormat', 'outputFormat', 'concurrency', 'rate', 'keep', 'overwrite']) {
    if (flags[f] !== undefined) throw new UsageError(`--${kebab(f)} is for batch mode (--input)`);
  }
  return runSingle(first, command, flags, fields, env, io);
}

/** Replaces every known secret in `text` (defence in depth: none should be there). */
function redact(text, secrets) {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

if (require.main === module) {
  const secrets = [];
  for (const k of ['WECHAT_SECRET', 'WECHAT_ACCESS_TOKEN', 'DOUYIN_SECRET', 'DOUYIN_ACCESS_TOKEN']) {
    const v = process.env[k];
    if (typeof v === 'string' && v.length >= 4) secrets.push(v);
  }
  const argv = process.argv.slice(2);
  argv.forEach((a, k) => {
    // --secret VALUE / --secret=VALUE / --access-token …: never shown back.
    const m = /^--(secret|access[-_]?[tT]oken)(=(.*))?$/.exec(a);
    if (m && m[3] !== undefined && m[3].length >= 4) secrets.push(m[3]);
    else if (m && argv[k + 1] !== undefined && argv[k + 1].length >= 4) secrets.push(argv[k + 1]);
  });
  const io = {
    secrets,
    stderr: process.stderr,
    out: (text) => process.stdout.write(redact(text, io.secrets)),
    err: (text) => process.stderr.write(redact(text, io.secrets)),
  };
  main(argv, process.env, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      if (err instanceof UsageError) {
        io.err(`${BIN}: ${err.message}\n`);
        process.exitCode = EXIT.USAGE;
      } else if (err && err.name === 'LinkError') {
        io.err(`${BIN}: ${err.code}: ${err.message}\n`);
        process.exitCode = exitCodeFor(err);
      } else {
        io.err(`${BIN}: ${err && err.stack ? err.stack : err}\n`);
        process.exitCode = EXIT.FAILED;
      }
    }
  );
}

module.exports = { parseCsv, csvRecord, parseArgv, main, FIELDS };
