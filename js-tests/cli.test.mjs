// The `miniprogram-links` command, run as a child process (node …/cli.cjs) from
// the installed package, against an emulator started here with the documented
// per-second limits and a daily quota.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { WeChatClient, DouyinClient } from 'miniprogram-links';

const require = createRequire(import.meta.url);
const { startEmulator } = require('./emulator/index.cjs');
const PKG_DIR = path.dirname(require.resolve('miniprogram-links/package.json'));
const CLI = path.join(PKG_DIR, 'cli.cjs');
const BIN_LINK = path.resolve(PKG_DIR, '..', '.bin', 'miniprogram-links');

const URLLINK = '/wxa/generate_urllink';
const SCHEME = '/wxa/generatescheme';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withEmu(options, fn) {
  const emu = await startEmulator({ port: 0, rateLimits: true, dailyQuota: 100000, ...options });
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mpl-cli-'));
}

function credentialsEnv(emu) {
  return {
    WECHAT_APPID: emu.credentials.wechat.appid,
    WECHAT_SECRET: emu.credentials.wechat.secret,
    DOUYIN_APPID: emu.credentials.douyin.appid,
    DOUYIN_SECRET: emu.credentials.douyin.secret,
  };
}

const SECRETS = new Set();

/**
 * Runs the command; resolves `{ code, signal, stdout, stderr, child }`. Every
 * run checks that no secret it was given shows up in its output.
 */
function run(args, { env = {}, cwd, timeoutMs = 30000, onSpawn, command = process.execPath, prefix = [CLI] } = {}) {
  for (const k of ['WECHAT_SECRET', 'DOUYIN_SECRET']) if (env[k]) SECRETS.add(env[k]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], {
      cwd: cwd || os.tmpdir(),
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const s of SECRETS) {
        assert.ok(!stdout.includes(s) && !stderr.includes(s), `a secret was printed by: ${args.join(' ')}`);
      }
      resolve({ code, signal, stdout, stderr });
    });
    if (onSpawn) onSpawn(child);
  });
}

/** A small independent RFC 4180 reader for checking the command's CSV. */
function readCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}

function csvLine(fields) {
  return fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

/** Each row number 1..n exactly once. */
function assertRowsOnce(rows, n) {
  const got = rows.map((r) => Number(r.row)).sort((a, b) => a - b);
  assert.deepEqual(got, Array.from({ length: n }, (_, i) => i + 1), 'every input row exactly once in the output');
}

const sent = (emu, route) => emu.requests.filter((r) => r.path === route).length;

test('--help for the command and every subcommand; no secret in it; no arguments is a usage error', async () => {
  const env = { WECHAT_APPID: 'wxhelp', WECHAT_SECRET: 'help-secret-0123456789abcdef', DOUYIN_SECRET: 'douyin-help-secret-0123456789' };
  const top = await run(['--help'], { env });
  assert.equal(top.code, 0);
  for (const cmd of ['scheme', 'link', 'short', 'plain', 'douyin-link', 'token']) assert.match(top.stdout, new RegExp(`\\n  ${cmd} `));
  assert.match(top.stdout, /exit codes/);
  for (const cmd of ['scheme', 'link', 'short', 'plain', 'douyin-link', 'token']) {
    const r = await run([cmd, '--help'], { env });
    assert.equal(r.code, 0, `${cmd} --help`);
    assert.match(r.stdout, new RegExp(`^usage: miniprogram-links ${cmd}`), cmd);
  }
  const scheme = await run(['help', 'scheme'], { env });
  assert.match(scheme.stdout, /--jump-wxa\.path/);
  assert.match(scheme.stdout, /--input FILE/);
  const none = await run([], { env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage:/);
});

test('the package installs the command as a bin', async () => {
  assert.ok(fs.existsSync(BIN_LINK), `${BIN_LINK} exists`);
  const r = await run(['--version'], { command: BIN_LINK, prefix: [] });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')).version);
});

test('one link per subcommand, as JSON by default and alone with --text', async () => {
  await withEmu({}, async (emu) => {
    const env = credentialsEnv(emu);
    const base = ['--base-url', emu.url];
    const scheme = await run(['scheme', ...base, '--path', 'pages/index', '--query', 'a=1', '--expire-interval', '7'], { env });
    assert.equal(scheme.code, 0, scheme.stderr);
    assert.match(JSON.parse(scheme.stdout).openlink, /^weixin:\/\/dl\/business\/\?t=/);
    const link = await run(['link', ...base, '--path', 'pages/index', '--cloud-base.env', 'prod', '--text'], { env });
    assert.equal(link.code, 0, link.stderr);
    assert.match(link.stdout, /^https:\/\/wxaurl\.cn\/\w+\n$/);
    const short = await run(['short', ...base, '--page_url', 'pages/item?id=1', '--is-permanent', 'false'], { env });
    assert.equal(short.code, 0, short.stderr);
    assert.ok(JSON.parse(short.stdout).link.startsWith('#'));
    const plain = await run(['plain', '--path', 'pages/a', '--query', 'a=1&b=2'], { env: { WECHAT_APPID: 'wxplain' } });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { scheme: 'weixin://dl/business/?appid=wxplain&path=pages/a&query=a%3D1%26b%3D2' });
    const dy = await run(['douyin-link', ...base, '--app-name', 'douyin', '--path', 'pages/a', '--expire-time', '+30d', '--request', '{"query":{"id":"7"}}'], { env });
    assert.equal(dy.code, 0, dy.stderr);
    assert.ok(JSON.parse(dy.stdout).urlLink);
    const token = await run(['token', ...base], { env });
    assert.equal(token.code, 0, token.stderr);
    // Whole seconds left: 7200 at the grant, 7199 once a millisecond has passed.
    const { expiresIn } = JSON.parse(token.stdout);
    assert.ok(expiresIn === 7200 || expiresIn === 7199, `expiresIn ${expiresIn}`);
    assert.equal(emu.requests.filter((r) => r.path.startsWith('/wxa/')).length, 3);
  });
});

test('nfc and douyin-schema: one link each, the exact request; douyin-schema speaks v2 without --api', async () => {
  await withEmu({}, async (emu) => {
    const env = credentialsEnv(emu);
    const base = ['--base-url', emu.url];
    const nfc = await run(['nfc', ...base, '--path', 'pages/a', '--model-id', 'nfc-model-granted', '--sn', 'SN1', '--text'], { env });
    assert.equal(nfc.code, 0, nfc.stderr);
    assert.match(nfc.stdout, /^weixin:\/\/dl\/business\/\?t=\w+\n$/);
    const sent = emu.requests.find((r) => r.path === '/wxa/generatenfcscheme').json;
    assert.deepEqual(sent, { jump_wxa: { path: 'pages/a' }, model_id: 'nfc-model-granted', sn: 'SN1' });
    const schema = await run(['douyin-schema', ...base, '--path', 'pages/a', '--expire-time', '+30d', '--query', '{"id":"7"}'], { env });
    assert.equal(schema.code, 0, schema.stderr);
    assert.match(JSON.parse(schema.stdout).schema, /^sslocal:\/\/miniapp\?ticket=/);
    const body = emu.requests.find((r) => r.path === '/api/apps/v1/url/generate_schema/').json;
    assert.equal(body.app_id, emu.credentials.douyin.appid);
    assert.equal(body.path, 'pages/a');
    assert.equal(body.query, '{"id":"7"}');
    assert.equal(body.no_expire, false);
    assert.ok(Number.isInteger(body.expire_time));
    assert.equal(emu.requests.filter((r) => r.path === '/oauth/client_token/').length, 1);
  });
});

test('exit codes: usage 2 (values never echoed), API error 1, quota 3', async () => {
  await withEmu({ dailyQuota: 0 }, async (emu) => {
    const env = credentialsEnv(emu);
    const base = ['--base-url', emu.url];
    const hidden = 'never-show-this-value-9f8e7d6c';
    SECRETS.add(hidden);
    const unknown = await run(['link', ...base, `--colour=${hidden}`], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown flag --colour/);
    const stray = await run(['link', ...base, hidden], { env });
    assert.equal(stray.code, 2);
    const badCmd = await run(['links'], { env });
    assert.equal(badCmd.code, 2);
    assert.match(badCmd.stderr, /unknown command "links"/);
    const missing = await run(['link', ...base, '--path', 'pages/a'], { env: {} });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /WECHAT_APPID and WECHAT_SECRET/);
    const invalid = await run(['link', ...base, '--path', 'pages/a?id=1'], { env });
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /INVALID_ARGUMENT: path/);
    const wrongSecret = 'wrong-secret-0000000000000000000';
    SECRETS.add(wrongSecret);
    const api = await run(['link', ...base, '--path', 'pages/a', '--secret', wrongSecret], { env });
    assert.equal(api.code, 1);
    assert.match(api.stderr, /API_ERROR: auth\.getAccessToken failed with 40125/);
    const quota = await run(['scheme', ...base, '--path', 'pages/a'], { env });
    assert.equal(quota.code, 3);
    assert.match(quota.stderr, /45009/);
    assert.equal(sent(emu, SCHEME), 1);
  });
});

test('batch CSV: a broken row and an invalid one are reported in the output, the rest finish', async () => {
  await withEmu({ dailyQuota: 1000 }, async (emu) => {
    const dir = tmpDir();
    try {
      const input = path.join(dir, 'rows.csv');
      const lines = ['path,query,expire_interval,cloudBase.env,cloud_base.domain'];
      for (let i = 1; i <= 30; i++) {
        if (i === 7) lines.push('pages/a,id=7,7'); // too few fields
        else if (i === 12) lines.push('pages/a,i"d=12,7,,'); // a stray quote
        else if (i === 20) lines.push('pages/a?id=20,,7,,'); // a query in the path
        else if (i === 25) lines.push(csvLine(['pages/a', 'id=25,a,b', '7', 'env-1', 'shop "one", example.com']));
        else lines.push(csvLine(['pages/a', `id=${i}`, '7', '', '']));
      }
      fs.writeFileSync(input, `${lines.join('\r\n')}\r\n`);
      const output = path.join(dir, 'links.csv');
      const r = await run(['link', '--base-url', emu.url, '--input', input, '--output', output], { env: credentialsEnv(emu) });
      assert.equal(r.code, 1, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.deepEqual(summary, { total: 30, alreadyDone: 0, succeeded: 27, failed: 3, notDone: 0, stopped: null, output });
      const text = fs.readFileSync(output, 'utf8');
      assert.ok(text.startsWith('row,path,query,expire_interval,cloudBase.env,cloud_base.domain,link,error\r\n'));
      const rows = readCsv(text);
      assertRowsOnce(rows, 30);
      const byRow = new Map(rows.map((x) => [Number(x.row), x]));
      assert.match(byRow.get(7).error, /^INVALID_ARGUMENT: CSV line 8: 3 fields, but the header has 5/);
      assert.match(byRow.get(12).error, /^INVALID_ARGUMENT: CSV line 13: a quote inside an unquoted field/);
      assert.match(byRow.get(20).error, /^INVALID_ARGUMENT: path: /);
      assert.equal(byRow.get(25).query, 'id=25,a,b', 'the input row is repeated as it was');
      assert.equal(byRow.get(25)['cloud_base.domain'], 'shop "one", example.com');
      for (const [n, x] of byRow) {
        if ([7, 12, 20].includes(n)) assert.equal(x.link, '');
        else {
          assert.match(x.link, /^https:\/\/wxaurl\.cn\//, `row ${n}`);
          assert.equal(x.error, '', `row ${n}`);
        }
      }
      assert.equal(sent(emu, URLLINK), 27, 'broken and invalid rows were never sent');
      const row25 = emu.requests.find((q) => q.path === URLLINK && q.json.query === 'id=25,a,b');
      assert.deepEqual(row25.json.cloud_base, { env: 'env-1', domain: 'shop "one", example.com' }, 'dotted columns become nested fields');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('batch JSONL: nested, dotted and snake_case keys; output repeats each row with link and error', async () => {
  await withEmu({}, async (emu) => {
    const dir = tmpDir();
    try {
      const input = path.join(dir, 'rows.jsonl');
      const rows = [
        { jumpWxa: { path: 'pages/a', query: 'id=1' }, expireInterval: 7 },
        { 'jumpWxa.path': 'pages/b', 'jump_wxa.query': 'id=2', is_expire: true, expire_type: 1, expire_interval: 3 },
        { jump_wxa: { path: 'pages/c', env_version: 'nightly' } },
        { 'jumpWxa.path': 'pages/d', expireInterval: '5' },
      ];
      fs.writeFileSync(input, `${rows.map((x) => JSON.stringify(x)).join('\n')}\n\nnot json\n`);
      const output = path.join(dir, 'links.jsonl');
      const r = await run(['scheme', '--base-url', emu.url, '--input', input, '--output', output], { env: credentialsEnv(emu) });
      assert.equal(r.code, 1, r.stderr);
      const out = fs.readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assertRowsOnce(out, 5);
      const byRow = new Map(out.map((x) => [x.row, x]));
      assert.deepEqual(Object.keys(byRow.get(1)), ['row', 'jumpWxa', 'expireInterval', 'link', 'error']);
      assert.deepEqual(byRow.get(1).jumpWxa, rows[0].jumpWxa);
      for (const n of [1, 2, 4]) {
        assert.match(byRow.get(n).link, /^weixin:\/\//, `row ${n}`);
        assert.equal(byRow.get(n).error, null, `row ${n}`);
      }
      assert.equal(byRow.get(3).error.code, 'INVALID_ARGUMENT');
      assert.equal(byRow.get(3).error.field, 'jumpWxa.envVersion');
      assert.match(byRow.get(5).error.message, /JSONL line 6: not JSON/);
      assert.equal(sent(emu, SCHEME), 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('unknown columns are a usage error naming them; nothing is sent or written', async () => {
  await withEmu({}, async (emu) => {
    const dir = tmpDir();
    try {
      const input = path.join(dir, 'rows.csv');
      fs.writeFileSync(input, 'path,phone,query,colour\npages/a,13800000000,id=1,red\n');
      const output = path.join(dir, 'links.csv');
      const r = await run(['link', '--base-url', emu.url, '--input', input, '--output', output], { env: credentialsEnv(emu) });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /unknown columns "phone", "colour"/);
      assert.ok(!fs.existsSync(output));
      assert.equal(emu.requests.length, 0);
      // --keep carries a column through without sending it.
      const kept = await run(['link', '--base-url', emu.url, '--input', input, '--output', output, '--keep', 'phone,colour'], { env: credentialsEnv(emu) });
      assert.equal(kept.code, 0, kept.stderr);
      const [row] = readCsv(fs.readFileSync(output, 'utf8'));
      assert.equal(row.phone, '13800000000');
      assert.deepEqual(Object.keys(emu.requests.find((q) => q.path === URLLINK).json).sort(), ['expire_interval', 'expire_type', 'path', 'query']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a quota stop exits 3 with a valid output; the next run does only the rest', async () => {
  const dir = tmpDir();
  try {
    const input = path.join(dir, 'rows.csv');
    fs.writeFileSync(input, `path,query\n${Array.from({ length: 60 }, (_, i) => `pages/a,id=${i + 1}`).join('\n')}\n`);
    const output = path.join(dir, 'links.csv');
    let firstLinks;
    await withEmu({ dailyQuota: 25 }, async (emu) => {
      const r = await run(['link', '--base-url', emu.url, '--input', input, '--output', output], { env: credentialsEnv(emu) });
      assert.equal(r.code, 3, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.stopped, 'quota');
      assert.equal(summary.succeeded, 25);
      const rows = readCsv(fs.readFileSync(output, 'utf8'));
      assertRowsOnce(rows, 60);
      const done = rows.filter((x) => x.link !== '' && x.error === '');
      const quota = rows.filter((x) => /44993/.test(x.error) && !/^NOT_DONE/.test(x.error));
      const notDone = rows.filter((x) => /^NOT_DONE: /.test(x.error));
      assert.equal(done.length, 25);
      assert.equal(done.length + quota.length + notDone.length, 60);
      assert.equal(sent(emu, URLLINK), 25 + quota.length, 'no row was retried');
      assert.match(r.stderr, /stopped: urllink\.generate failed with 44993/);
      firstLinks = new Map(done.map((x) => [x.row, x.link]));
    });
    // The next day (a fresh quota): only the rows without a link are sent.
    await withEmu({ dailyQuota: 1000 }, async (emu) => {
      const r = await run(['link', '--base-url', emu.url, '--input', input, '--output', output], { env: credentialsEnv(emu) });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { total: 60, alreadyDone: 25, succeeded: 35, failed: 0, notDone: 0, stopped: null, output });
      assert.equal(sent(emu, URLLINK), 35);
      const rows = readCsv(fs.readFileSync(output, 'utf8'));
      assertRowsOnce(rows, 60);
      assert.ok(rows.every((x) => x.link !== '' && x.error === ''));
      for (const [row, link] of firstLinks) assert.equal(rows.find((x) => x.row === row).link, link, 'links of the first run kept');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGINT: rows in flight finish and are written, exit 130; the resumed run does each row exactly once', async () => {
  await withEmu({}, async (emu) => {
    const dir = tmpDir();
    try {
      const N = 300;
      const input = path.join(dir, 'rows.csv');
      fs.writeFileSync(input, `path,query\n${Array.from({ length: N }, (_, i) => `pages/a,id=${i + 1}`).join('\n')}\n`);
      const output = path.join(dir, 'links.csv');
      // Slow answers keep rows in flight when the signal comes.
      emu.inject({ route: URLLINK, kind: 'delay', ms: 300, times: N });
      const args = ['link', '--base-url', emu.url, '--input', input, '--output', output, '--rate', '80'];
      let interruptedAt = -1;
      const first = await run(args, {
        env: credentialsEnv(emu),
        onSpawn: async (child) => {
          // Wait (bounded) until some rows are written, then Ctrl-C.
          for (let k = 0; k < 400; k++) {
            await sleep(25);
            const text = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '';
            const written = text.split('\r\n').length - 2;
            if (written >= 40) break;
          }
          interruptedAt = sent(emu, URLLINK);
          child.kill('SIGINT');
        },
      });
      assert.equal(first.code, 130, first.stderr);
      assert.match(first.stderr, /SIGINT: no new rows/);
      const summary = JSON.parse(first.stdout);
      assert.equal(summary.stopped, 'interrupted');
      const rows = readCsv(fs.readFileSync(output, 'utf8'));
      assertRowsOnce(rows, N);
      const done = rows.filter((x) => x.link !== '' && x.error === '');
      assert.ok(done.length >= 40 && done.length < N, `some rows done (${done.length})`);
      assert.ok(rows.filter((x) => x.link === '').every((x) => /^NOT_DONE: .*aborted/.test(x.error)));
      const sentFirst = sent(emu, URLLINK);
      assert.equal(done.length, sentFirst, 'every link generated was written: none lost');
      assert.ok(sentFirst > interruptedAt - 1 && sentFirst <= interruptedAt + 32, 'nothing started after the signal beyond those in flight');

      const second = await run(args, { env: credentialsEnv(emu) });
      assert.equal(second.code, 0, second.stderr);
      assert.equal(JSON.parse(second.stdout).alreadyDone, done.length);
      const all = readCsv(fs.readFileSync(output, 'utf8'));
      assertRowsOnce(all, N);
      assert.ok(all.every((x) => /^https:\/\/wxaurl\.cn\//.test(x.link) && x.error === ''));
      assert.equal(new Set(all.map((x) => x.link)).size, N);
      assert.equal(sent(emu, URLLINK), N, 'one link request per row over both runs: no duplicates');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('resume: a record cut short is redone; an output from another input is refused', async () => {
  await withEmu({}, async (emu) => {
    const dir = tmpDir();
    try {
      const input = path.join(dir, 'rows.csv');
      fs.writeFileSync(input, 'path,query\npages/a,id=1\npages/a,id=2\npages/a,id=3\n');
      const output = path.join(dir, 'links.csv');
      const args = ['link', '--base-url', emu.url, '--input', input, '--output', output, '--no-progress'];
      const env = credentialsEnv(emu);
      assert.equal((await run(args, { env })).code, 0);
      // The process died while writing the last record.
      const text = fs.readFileSync(output, 'utf8');
      fs.writeFileSync(output, text.slice(0, text.length - 10));
      const again = await run(args, { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).alreadyDone, 2);
      assertRowsOnce(readCsv(fs.readFileSync(output, 'utf8')), 3);
      assert.equal(sent(emu, URLLINK), 4);
      assert.equal(again.stderr.trim().split('\n').length, 1, '--no-progress: only the closing line');

      fs.writeFileSync(input, 'path,query\npages/a,id=1\npages/b,id=2\npages/a,id=3\n');
      const other = await run(args, { env });
      assert.equal(other.code, 2);
      assert.match(other.stderr, /row 2 differs from the input's in column "path"/);
      const fresh = await run([...args, '--overwrite'], { env });
      assert.equal(fresh.code, 0);
      assert.equal(JSON.parse(fresh.stdout).alreadyDone, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('progress lines on stderr when it is not a terminal', async () => {
  await withEmu({}, async (emu) => {
    const dir = tmpDir();
    try {
      const input = path.join(dir, 'rows.csv');
      fs.writeFileSync(input, `jumpWxa.path\n${'pages/a\n'.repeat(250)}`);
      const output = path.join(dir, 'links.csv');
      const r = await run(['scheme', '--base-url', emu.url, '--input', input, '--output', output], { env: credentialsEnv(emu) });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^miniprogram-links: \d+\/250 rows \(\d+%\), [\d.]+\/s, ETA \d+:\d\d, 0 errors$/m);
      assert.match(r.stderr, /^miniprogram-links: 250\/250 rows \(100%\)/m);
      assert.ok(!/\x1b\[/.test(r.stderr), 'no terminal escapes');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the request fields the command knows are the ones the core knows, in both spellings', async () => {
  const { FIELDS } = require(CLI);
  const wx = new WeChatClient({ appid: 'wxfields', accessToken: 'unused', baseUrl: 'http://127.0.0.1:9' });
  const dy = new DouyinClient({ appid: 'ttfields', accessToken: 'unused', baseUrl: 'http://127.0.0.1:9' });
  const dy2 = new DouyinClient({ appid: 'ttfields', accessToken: 'unused', baseUrl: 'http://127.0.0.1:9', api: 'v2' });
  const call = {
    urlscheme: (r) => wx.urlscheme.generate(r),
    nfc: (r) => wx.urlscheme.generateNFC(r),
    urllink: (r) => wx.urllink.generate(r),
    shortlink: (r) => wx.shortlink.generate(r),
    plainScheme: async (r) => wx.plainScheme(r),
    'douyin.urlLink': (r) => dy.urlLink.generate(r),
    'douyin.schema': (r) => dy2.schema.generate(r),
  };
  assert.deepEqual(Object.keys(FIELDS).sort(), Object.keys(call).sort());
  const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  for (const [kind, fields] of Object.entries(FIELDS)) {
    for (const field of Object.keys(fields)) {
      for (const spelling of [field, snake(field)]) {
        // A Symbol is never valid: the core rejects the request before sending it,
        // and it would say "unknown key" first if it did not know the name.
        const request = {};
        const parts = spelling.split('.');
        let target = request;
        for (const p of parts.slice(0, -1)) target = target[p] = {};
        target[parts[parts.length - 1]] = Symbol('x');
        const err = await call[kind](request).then(() => null, (e) => e);
        assert.ok(err && err.code === 'INVALID_ARGUMENT', `${kind} ${spelling}: rejected`);
        assert.doesNotMatch(err.message, /unknown key/, `${kind} ${spelling}`);
      }
    }
    // And a name it does not know is unknown to both.
    const err = await call[kind]({ notAField: 'x' }).then(() => null, (e) => e);
    assert.match(err.message, /unknown key/);
  }
});

test('page: generates the scheme (and URL Link) and writes the landing page to --output', async () => {
  await withEmu({}, async (emu) => {
    const dir = tmpDir();
    const output = path.join(dir, 'page.html');
    const args = ['page', '--base-url', emu.url, '--path', 'pages/item', '--query', 'id=7', '--title', '<Sale>', '--url-link', '--lang', 'en'];
    const r = await run([...args, '--qr-url', 'https://example.com/p/7', '--output', output], { env: credentialsEnv(emu) });
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    assert.match(printed.openlink, /^weixin:\/\/dl\/business\/\?t=\w+$/);
    assert.match(printed.urlLink, /^https:\/\/wxaurl\.cn\/\w+$/);
    const html = fs.readFileSync(output, 'utf8');
    assert.ok(html.includes(`href="${printed.openlink}"`));
    assert.ok(html.includes(`data-url-link="${printed.urlLink}"`));
    assert.ok(html.includes('<title>&lt;Sale&gt;</title>') && html.includes('<svg'));
    const hash = (text) => `'sha256-${require('node:crypto').createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*)<\/script>/.exec(html)[1];
    const style = /<style>([\s\S]*)<\/style>/.exec(html)[1];
    const csp = `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)};`;
    assert.ok(printed.contentSecurityPolicy.startsWith(csp), printed.contentSecurityPolicy);
    assert.deepEqual(emu.requests.filter((q) => q.path === SCHEME).map((q) => q.json.jump_wxa), [{ path: 'pages/item', query: 'id=7' }]);
    const bad = await run([...args, '--qr-url', 'javascript:alert(1)', '--output', output], { env: credentialsEnv(emu) });
    assert.equal(bad.code, 2, 'INVALID_ARGUMENT');
    assert.match(bad.stderr, /qrUrl/);
    const noTitle = await run(['page', '--path', 'pages/item', '--output', output], { env: credentialsEnv(emu) });
    assert.equal(noTitle.code, 2);
    assert.match(noTitle.stderr, /--title/);
  });
});
