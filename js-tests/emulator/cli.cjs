#!/usr/bin/env node
'use strict';
// Runs an emulator for the demo and the benchmarks, which talk to it over HTTP
// (including the /__emulator control routes). Prints one JSON line, then serves
// until SIGINT/SIGTERM.
//
// Forked with an IPC channel (the load test, which measures its own memory and
// so keeps the emulator out of its process), it also takes `{ inject: fault }`
// messages and answers `{ report: id }` with `{ report: id, errors: [...] }`,
// the emulator's own handler errors.
//
//   node js-tests/emulator/cli.cjs [--port N] [--rate-limits] [--daily-quota N] [--tokenless]
//                                  [--token-ttl SECONDS] [--overlap-ms MS]

const { startEmulator } = require('./index.cjs');

function usage(msg) {
  process.stderr.write(
    `${msg ? `emulator: ${msg}\n` : ''}usage: cli.cjs [--port N] [--rate-limits] [--daily-quota N] [--tokenless] [--token-ttl SECONDS] [--overlap-ms MS]\n`
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {};
  const number = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || !/^\d+$/.test(v)) usage(`${name} needs a whole number`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = number(i++, a);
    else if (a === '--daily-quota') opts.dailyQuota = number(i++, a);
    else if (a === '--token-ttl') opts.tokenTtlSeconds = number(i++, a);
    else if (a === '--overlap-ms') opts.overlapMs = number(i++, a);
    else if (a === '--rate-limits') opts.rateLimits = true;
    else if (a === '--tokenless') opts.tokenless = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

startEmulator(parseArgs(process.argv.slice(2))).then(
  (emu) => {
    process.stdout.write(`${JSON.stringify({ url: emu.url, credentials: emu.credentials })}\n`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      emu.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (process.send) {
      process.on('message', (message) => {
        if (message && message.inject) emu.inject(message.inject);
        if (message && message.report) {
          const errors = emu.errors.map((err) => String((err && err.stack) || err));
          process.send({ report: message.report, errors });
        }
      });
      process.on('disconnect', stop);
    }
  },
  (err) => {
    process.stderr.write(`emulator: ${err && err.message}\n`);
    process.exit(1);
  }
);
