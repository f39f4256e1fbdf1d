'use strict';
// Batch mode (--input): one link per input row, written to --output as rows
// finish; resumable, rate-limited and interruptible.

const fs = require('fs');
const path = require('path');
const { BIN, EXIT, FIELDS, UsageError, buildRequest } = require('./arguments.cjs');
const { formatOf, readInput } = require('./formats.cjs');
const { RESERVED, mapColumns, makeWriter, readDone } = require('./rows.cjs');
const { makeProgress } = require('./progress.cjs');
const { makeClient, linkOf } = require('./client.cjs');

async function runBatch(command, flags, fields, env, io) {
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
  const { client, secrets } = makeClient(command.platform, flags, env, { needSecret: command.kind !== 'plainScheme', api: command.api });
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
            if (err.class === 'quota') quotaError = quotaError || err;
            else if (err.class === 'auth') authError = authError || err;
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

module.exports = { runBatch };
