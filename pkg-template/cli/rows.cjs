'use strict';
// Rows: which input column is which request field, the output file's records,
// and, for a resume, which rows an existing output already has done.

const fs = require('fs');
const { FIELDS, UsageError, camel } = require('./arguments.cjs');
const { parseCsv, csvRecord, isPlainObject, flatten, cellText } = require('./formats.cjs');

// The columns the output adds to the input's, so no input column may have these names.
const RESERVED = ['row', 'link', 'error'];

/** The output's columns, in order; a resume checks an existing output's header against them. */
function outputHeader(columns) {
  return ['row', ...columns, 'link', 'error'];
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

function errorText(err) {
  return `${err.code}: ${err.message}`;
}

function errorObject(err) {
  const out = { code: err.code, message: err.message };
  for (const k of ['errcode', 'field', 'reason']) if (err[k] !== undefined) out[k] = err[k];
  return out;
}

/** The output's text, `header` then one `record` per row finished; `rewrite` copies a row `readDone` found done. */
function makeWriter(format, columns) {
  const header = outputHeader(columns);
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
    const header = outputHeader(columns);
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

module.exports = { RESERVED, mapColumns, makeWriter, readDone };
