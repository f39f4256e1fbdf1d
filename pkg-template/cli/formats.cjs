'use strict';
// CSV and JSONL: reading an input file into rows, and the text of output cells.
//
// The CSV reader and writer (RFC 4180) are our own, so the package keeps no
// dependencies: quoted fields with embedded commas, quotes ("") and line
// breaks, CRLF or LF, a UTF-8 BOM skipped. About a hundred lines; a dependency
// for them would be the package's first.

const fs = require('fs');
const path = require('path');
const { UsageError } = require('./arguments.cjs');

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

/** `csv` or `jsonl`: the format flag if given, else the file name's extension. */
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

module.exports = { parseCsv, csvRecord, formatOf, isPlainObject, flatten, cellText, readInput };
