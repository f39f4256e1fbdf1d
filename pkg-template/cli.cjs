#!/usr/bin/env node
'use strict';
// The `miniprogram-links` command: one link from flags, or one link per row of a
// CSV / JSONL file (resumable, rate-limited, interruptible). Run with --help.
//
// No dependencies, on purpose: the package promises none, and runs on Node 16
// (cli/arguments.cjs and cli/formats.cjs say what that costs). This file is the
// entry point: the subcommand, exit codes, and secrets kept out of the output.
//   cli/arguments.cjs   subcommands, flags, request fields; argv and text to a request
//   cli/formats.cjs     CSV and JSONL: reading the input, cell text
//   cli/rows.cjs        input columns to request fields, output records, resume
//   cli/run-single.cjs  `token`, and one link from flags
//   cli/run-batch.cjs   one link per input row (--input)
//   cli/run-page.cjs    `page`: a landing page written to a file
//   cli/client.cjs, cli/progress.cjs, cli/help.cjs

const { BIN, EXIT, FIELDS, COMMANDS, COMMON_FLAGS, LINK_FLAGS, PAGE_FLAGS, TOKEN_FLAGS, UsageError, kebab, parseArgv } = require('./cli/arguments.cjs');
const { parseCsv, csvRecord } = require('./cli/formats.cjs');
const { exitCodeFor } = require('./cli/client.cjs');
const { mainHelp, commandHelp } = require('./cli/help.cjs');
const { runToken, runSingle } = require('./cli/run-single.cjs');
const { runBatch } = require('./cli/run-batch.cjs');
const { runPage, pageHelp } = require('./cli/run-page.cjs');

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
  const { flags, fields } = parseArgv(rest, Object.assign({}, COMMON_FLAGS, first === 'page' ? PAGE_FLAGS : LINK_FLAGS), fieldTypes);
  if (flags.help) {
    io.out(first === 'page' ? pageHelp() : commandHelp(first));
    return EXIT.OK;
  }
  if (first === 'page') return runPage(command, flags, fields, env, io);
  if (flags.input !== undefined) return runBatch(command, flags, fields, env, io);
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
