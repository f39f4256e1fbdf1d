'use strict';
// The --help texts, built from the command and field tables so they stay in step.

const { BIN, FIELDS, COMMANDS, kebab } = require('./arguments.cjs');
const { defaultRate } = require('../batch.cjs');

/** The limiter's defaults, from the core's endpoint table. */
function defaultRates() {
  const wechat = (kind) => defaultRate('wechat', `${kind}.generate`);
  return `URL Link ${wechat('urllink')}, URL Scheme ${wechat('urlscheme')}, Douyin ${defaultRate('douyin', 'douyin.urlLink.generate')}; Short Link ${wechat('shortlink')}`;
}

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
    .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
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
                             ${defaultRates()})
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

module.exports = { mainHelp, commandHelp, commonHelp, fieldHelp };
