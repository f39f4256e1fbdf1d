// The typings (index.d.ts in the installed package) against the compiler and
// against the package itself, so that they cannot drift:
//
// 1. `tsc --noEmit -p js-tests/types` passes: a strict TypeScript consumer of
//    every method and option compiles, and each of its `@ts-expect-error`
//    lines is an error (an unused directive fails the build).
// 2. Each `@ts-expect-error TSxxxx` line fails for the reason it names.
// 3. What the typings declare matches what the package does at run time:
//    exports, methods, option and request keys, allowed values, result fields.
//
// TypeScript comes from the npm registry, installed once into a cache folder
// outside the project (MINIPROGRAM_LINKS_TSC_DIR, default
// $TMPDIR/miniprogram-links-typescript-<version>):
//   npm install --no-save --no-audit --no-fund --no-package-lock --prefix <dir> typescript@<version>
// The tests skip only when npm itself is not available.
//
// node16: skip the typings and tsc do not depend on the Node version (the main run covers them)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esm from 'miniprogram-links';
import { useEmulator, wechatClient, douyinClient, WeChatClient, DouyinClient, inFuture, DAY } from './helpers.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.dirname(HERE);
const TYPES_DIR = path.join(HERE, 'types');
const TS_VERSION = '5.9.3';
const TS_HOME = process.env.MINIPROGRAM_LINKS_TSC_DIR || path.join(os.tmpdir(), `miniprogram-links-typescript-${TS_VERSION}`);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const ctx = useEmulator();
/** `{ ts, tscJs }` once TypeScript is there, or `{ skip: reason }`: see setup(). */
let env;

function installedTypeScript(dir) {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), 'utf8'));
    return pkg.version === TS_VERSION ? path.join(dir, 'node_modules', 'typescript') : null;
  } catch {
    return null;
  }
}

/** Installs TypeScript into TS_HOME unless it is there already (atomic: staged, then renamed). */
function ensureTypeScript() {
  let found = installedTypeScript(TS_HOME);
  if (found) return { dir: found };
  const probe = spawnSync(NPM, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (probe.error || probe.status !== 0) return { skip: `npm is not available (${probe.error ? probe.error.code : `exit ${probe.status}`})` };
  const staging = `${TS_HOME}.staging-${process.pid}-${Date.now()}`;
  fs.mkdirSync(staging, { recursive: true });
  const args = ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', '--prefix', staging, `typescript@${TS_VERSION}`];
  const run = spawnSync(NPM, args, { encoding: 'utf8', shell: process.platform === 'win32' });
  if (run.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm ${args.join(' ')} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  try {
    fs.renameSync(staging, TS_HOME);
  } catch (err) {
    // Another run finished first: use its copy.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!installedTypeScript(TS_HOME)) throw err;
  }
  found = installedTypeScript(TS_HOME);
  assert.ok(found, `typescript@${TS_VERSION} is not in ${TS_HOME} after npm install`);
  return { dir: found };
}

/**
 * Makes TypeScript available (once per file; the first test pays for an
 * install). A function the tests call rather than a top-level before() hook,
 * which Node 16's runner never calls. True when the test may go on.
 */
function setup(t) {
  if (!env) {
    const got = ensureTypeScript();
    env = got.skip ? { skip: got.skip } : { ts: require(got.dir), tscJs: path.join(got.dir, 'bin', 'tsc') };
  }
  if (env.skip) {
    t.skip(env.skip);
    return false;
  }
  return true;
}

function tsc(project) {
  const run = spawnSync(process.execPath, [env.tscJs, '--noEmit', '--pretty', 'false', '-p', project], { cwd: PROJECT, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

// ---------------------------------------------------------------- the compiler API

/**
 * A program over js-tests/types/tsconfig.json, with `replace` giving other
 * text for some of its files and `extra` adding virtual files.
 */
function program({ replace = () => null, extra = {} } = {}) {
  const { ts } = env;
  const config = ts.getParsedCommandLineOfConfigFile(path.join(TYPES_DIR, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  const host = ts.createCompilerHost(config.options);
  const text = (file) => {
    const norm = path.resolve(file);
    if (norm in extra) return extra[norm];
    const original = ts.sys.readFile(file);
    const replaced = original === undefined ? null : replace(norm, original);
    return replaced === null ? original : replaced;
  };
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = text;
  host.fileExists = (file) => path.resolve(file) in extra || ts.sys.fileExists(file);
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    const norm = path.resolve(file);
    if (norm in extra || config.fileNames.map((f) => path.resolve(f)).includes(norm)) {
      return ts.createSourceFile(file, text(file), languageVersion, true);
    }
    return getSourceFile(file, languageVersion, onError, shouldCreate);
  };
  const roots = [...config.fileNames, ...Object.keys(extra)];
  return ts.createProgram(roots, config.options, host);
}

function describeDiagnostic(d) {
  const { ts } = env;
  const where = d.file ? `${path.relative(PROJECT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
  return `${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
}

// A virtual module that names the types under test the way users reach them:
// through the classes' methods, not only through exported names.
const PROBE = path.join(TYPES_DIR, '__probe__.ts');
const PROBE_SOURCE = `
import type * as M from 'miniprogram-links';
type Req<F> = F extends (request: infer R) => unknown ? NonNullable<R> : F extends (request?: infer R) => unknown ? NonNullable<R> : never;
type Res<F> = F extends (...args: never[]) => infer P ? Awaited<P> : never;
type WX = M.WeChatClient;
type DY1 = M.DouyinClient<'v1'>;
type DY2 = M.DouyinClient<'v2'>;
export type WeChatInstance = WX;
export type DouyinV1Instance = DY1;
export type DouyinV2Instance = DY2;
export type WeChatOptions = M.WeChatClientOptionsBase;
export type DouyinOptions = M.DouyinClientOptionsBase;
export type TokenStore = M.TokenStore;
export type TokenRequest = Req<WX['getAccessToken']>;
export type SchemeRequest = Req<WX['urlscheme']['generate']>;
export type SchemeQueryRequest = Req<WX['urlscheme']['query']>;
export type LinkRequest = Req<WX['urllink']['generate']>;
export type LinkQueryRequest = Req<WX['urllink']['query']>;
export type ShortRequest = Req<WX['shortlink']['generate']>;
export type PlainRequest = Req<WX['plainScheme']>;
export type JumpWxa = NonNullable<SchemeRequest['jumpWxa']>;
export type CloudBase = NonNullable<LinkRequest['cloudBase']>;
export type DouyinV1Request = Req<DY1['urlLink']['generate']>;
export type DouyinV2Request = Req<DY2['urlLink']['generate']>;
export type DouyinInfoRequest = Req<DY2['urlLink']['queryInfo']>;
export type TokenResult = Res<WX['getAccessToken']>;
export type SchemeResult = Res<WX['urlscheme']['generate']>;
export type SchemeQueryResult = Res<WX['urlscheme']['query']>;
export type SchemeInfo = SchemeQueryResult['schemeInfo'];
export type LinkResult = Res<WX['urllink']['generate']>;
export type LinkQueryResult = Res<WX['urllink']['query']>;
export type LinkInfo = LinkQueryResult['urlLinkInfo'];
export type ShortResult = Res<WX['shortlink']['generate']>;
export type DouyinTokenResult = Res<DY1['getAccessToken']>;
export type DouyinV1Result = Res<DY1['urlLink']['generate']>;
export type DouyinV2Result = Res<DY2['urlLink']['generate']>;
export type DouyinInfo = Res<DY2['urlLink']['queryInfo']>;
export type DouyinQuota = Res<DY2['urlLink']['queryQuota']>;
export type EnvVersion = M.EnvVersion;
export type ExpireType = NonNullable<LinkRequest['expireType']>;
export type QueryType = NonNullable<LinkQueryRequest['queryType'] | M.VisitQuotaRequest['queryType']>;
export type DouyinApi = NonNullable<DouyinOptions['api']>;
export type DouyinV1AppName = NonNullable<DouyinV1Request['appName']>;
export type DouyinV2AppName = NonNullable<DouyinV2Request['appName']>;
export type ErrorCode = M.LinkErrorCode;
export type Platform = M.LinkPlatform;
`;

let probeCache;
/** The probe's exported types, by name: { names(), keys(name), required(name), open(name), literals(name) }. */
function probe() {
  if (probeCache) return probeCache;
  const { ts } = env;
  const prog = program({ extra: { [PROBE]: PROBE_SOURCE } });
  const problems = ts.getPreEmitDiagnostics(prog, prog.getSourceFile(PROBE)).map(describeDiagnostic);
  assert.deepEqual(problems, [], 'the probe module compiles');
  const checker = prog.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(prog.getSourceFile(PROBE));
  const types = new Map();
  for (const sym of checker.getExportsOfModule(moduleSymbol)) types.set(sym.name, checker.getDeclaredTypeOfSymbol(sym));
  const get = (name) => {
    assert.ok(types.has(name), `probe type ${name}`);
    return types.get(name);
  };
  const members = (type) => (type.isUnion() ? type.types : [type]);
  const isNever = (t) => (t.flags & ts.TypeFlags.Never) !== 0;
  const propType = (p) => checker.getNonNullableType(checker.getTypeOfSymbol(p));
  probeCache = {
    /** Every key any member of the type allows, with a type other than `never`. */
    keys(name) {
      const out = new Set();
      for (const m of members(get(name))) {
        for (const p of checker.getPropertiesOfType(m)) if (!isNever(propType(p))) out.add(p.name);
      }
      return [...out].sort();
    },
    /** Keys present (not optional) in every member. */
    required(name) {
      const sets = members(get(name)).map(
        (m) => new Set(checker.getPropertiesOfType(m).filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name)),
      );
      return [...sets[0]].filter((k) => sets.every((s) => s.has(k))).sort();
    },
    /** Whether the type takes keys beyond those listed (an index signature). */
    open(name) {
      return members(get(name)).some((m) => checker.getIndexInfosOfType(m).length > 0);
    },
    /** The values of a union of literals. */
    literals(name) {
      return members(get(name)).map((t) => {
        assert.ok(t.isLiteral(), `${name} is a union of literals, got ${checker.typeToString(t)}`);
        return t.value;
      });
    },
  };
  return probeCache;
}

function runtimeKeys(obj) {
  return Object.keys(obj).sort();
}

/** Runs `fn` and returns the LinkError it threw or rejected with, if any. */
async function outcome(fn) {
  try {
    await fn();
    return null;
  } catch (err) {
    return err;
  }
}

function assertKnown(err, what) {
  if (err && /unknown key/.test(err.message)) assert.fail(`${what}: the typings declare a key the package rejects: ${err.message}`);
}

// ---------------------------------------------------------------- 1. tsc

test('tsc --noEmit -p js-tests/types: the strict consumer compiles and every @ts-expect-error is used', (t) => {
  if (!setup(t)) return;
  const { status, output } = tsc(path.join(TYPES_DIR, 'tsconfig.json'));
  assert.equal(status, 0, `tsc failed:\n${output}`);
});

test('tsc with the DOM library: the global fetch fits the fetch option', (t) => {
  if (!setup(t)) return;
  const { status, output } = tsc(path.join(TYPES_DIR, 'tsconfig.dom.json'));
  assert.equal(status, 0, `tsc failed:\n${output}`);
});

test('the consumer resolves miniprogram-links to the installed package\'s index.d.ts (ESM and CommonJS)', (t) => {
  if (!setup(t)) return;
  const { ts } = env;
  const prog = program();
  const options = prog.getCompilerOptions();
  const installed = path.join(path.dirname(require.resolve('miniprogram-links/package.json')), 'index.d.ts');
  assert.ok(fs.existsSync(installed), 'the package ships index.d.ts');
  for (const [file, mode] of [['consumer.ts', ts.ModuleKind.ESNext], ['consumer-cjs.cts', ts.ModuleKind.CommonJS]]) {
    const from = path.join(TYPES_DIR, file);
    const { resolvedModule } = ts.resolveModuleName('miniprogram-links', from, options, ts.sys, undefined, undefined, mode);
    assert.ok(resolvedModule, `resolves from ${file}`);
    assert.equal(fs.realpathSync(resolvedModule.resolvedFileName), fs.realpathSync(installed));
  }
});

test('each @ts-expect-error fails for the reason it names (TSxxxx), and nothing else fails', (t) => {
  if (!setup(t)) return;
  const { ts } = env;
  const expected = new Map(); // "file:line" -> code
  const strip = (file, text) => {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const m = /\/\/ @ts-expect-error(?: (TS\d+))?/.exec(line);
      if (!m) return;
      assert.ok(m[1], `${path.basename(file)}:${i + 1}: name the expected error, e.g. "// @ts-expect-error TS2322: why"`);
      expected.set(`${path.basename(file)}:${i + 2}`, m[1]);
      lines[i] = line.replace('@ts-expect-error', 'expected-error');
    });
    return lines.join('\n');
  };
  const prog = program({ replace: (file, text) => (file.startsWith(TYPES_DIR) ? strip(file, text) : null) });
  const seen = new Map();
  const unexpected = [];
  for (const d of ts.getPreEmitDiagnostics(prog)) {
    if (!d.file) {
      unexpected.push(describeDiagnostic(d));
      continue;
    }
    const key = `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}`;
    if (!expected.has(key)) unexpected.push(describeDiagnostic(d));
    else seen.set(key, [...(seen.get(key) || []), `TS${d.code}`]);
  }
  assert.deepEqual(unexpected, [], 'errors on lines without @ts-expect-error');
  assert.ok(expected.size >= 40, `only ${expected.size} @ts-expect-error lines`);
  for (const [key, code] of expected) {
    const got = seen.get(key) || [];
    assert.ok(got.includes(code), `${key}: expected ${code}, got ${got.join(', ') || 'no error'}`);
  }
});

// ---------------------------------------------------------------- 2. drift: shape of the package

test('drift: the exports declared are exactly the exports at run time (require and import)', (t) => {
  if (!setup(t)) return;
  const { ts } = env;
  const prog = program();
  const checker = prog.getTypeChecker();
  const installed = fs.realpathSync(path.join(path.dirname(require.resolve('miniprogram-links/package.json')), 'index.d.ts'));
  const dts = prog.getSourceFiles().find((f) => fs.realpathSync(f.fileName) === installed);
  assert.ok(dts, 'index.d.ts is part of the program');
  const declared = checker
    .getExportsOfModule(checker.getSymbolAtLocation(dts))
    .filter((s) => s.flags & ts.SymbolFlags.Value)
    .map((s) => s.name)
    .sort();
  assert.deepEqual(declared, runtimeKeys(require('miniprogram-links')));
  assert.deepEqual(declared, Object.keys(esm).filter((k) => k !== 'default').sort());
});

test('drift: WeChatClient methods declared = methods at run time', (t) => {
  if (!setup(t)) return;
  const p = probe();
  const wx = new WeChatClient({ appid: 'wx1', secret: 's' });
  assert.deepEqual(p.keys('WeChatInstance'), runtimeKeys(wx));
  for (const group of ['urlscheme', 'urllink', 'shortlink']) {
    const prog = program({ extra: { [PROBE]: `${PROBE_SOURCE}\nexport type G = M.WeChatClient['${group}'];` } });
    const checker = prog.getTypeChecker();
    const sym = checker.getExportsOfModule(checker.getSymbolAtLocation(prog.getSourceFile(PROBE))).find((s) => s.name === 'G');
    const declared = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym)).map((s) => s.name).sort();
    assert.deepEqual(declared, runtimeKeys(wx[group]), `wx.${group}`);
  }
});

test('drift: DouyinClient methods declared per generation exist at run time, and together cover them', (t) => {
  if (!setup(t)) return;
  const p = probe();
  const v1 = new DouyinClient({ appid: 'tt1', secret: 's' });
  const v2 = new DouyinClient({ appid: 'tt1', secret: 's', api: 'v2' });
  assert.deepEqual(p.keys('DouyinV1Instance'), runtimeKeys(v1));
  assert.deepEqual(p.keys('DouyinV2Instance'), runtimeKeys(v2));
  const methods = (gen) => {
    const prog = program({ extra: { [PROBE]: `${PROBE_SOURCE}\nexport type G = M.DouyinClient<'${gen}'>['urlLink'];` } });
    const checker = prog.getTypeChecker();
    const sym = checker.getExportsOfModule(checker.getSymbolAtLocation(prog.getSourceFile(PROBE))).find((s) => s.name === 'G');
    return checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym)).map((s) => s.name).sort();
  };
  const [declaredV1, declaredV2] = [methods('v1'), methods('v2')];
  assert.deepEqual(declaredV1, ['generate']);
  assert.deepEqual(declaredV2, runtimeKeys(v2.urlLink));
  for (const m of declaredV1) assert.equal(typeof v1.urlLink[m], 'function');
});

// ---------------------------------------------------------------- 3. drift: keys and values

test('drift: every option key declared is one the constructors know', (t) => {
  if (!setup(t)) return;
  const p = probe();
  const wechatKeys = p.keys('WeChatOptions');
  for (const key of ['appid', 'secret', 'accessToken', 'cloudbaseAccessToken', 'openApiService', 'stableToken', 'baseUrl', 'fetch', 'timeoutMs', 'retries', 'tokenStore', 'rateLimiter']) {
    assert.ok(wechatKeys.includes(key), `WeChatClientOptions declares ${key}`);
  }
  for (const key of wechatKeys) {
    let err = null;
    try {
      new WeChatClient({ accessToken: 't', [key]: null });
    } catch (e) {
      err = e;
    }
    assertKnown(err, `WeChatClient option ${key}`);
  }
  const storeKeys = p.keys('TokenStore');
  assert.deepEqual(storeKeys, ['get', 'lock', 'set']);
  for (const key of storeKeys) {
    const store = { get() {}, set() {}, [key]: () => null };
    let err = null;
    try {
      new WeChatClient({ appid: 'wx1', secret: 's', tokenStore: store });
    } catch (e) {
      err = e;
    }
    assertKnown(err, `tokenStore.${key}`);
    assert.equal(err, null, `tokenStore.${key}: ${err && err.message}`);
  }
  const douyinKeys = p.keys('DouyinOptions');
  assert.deepEqual(douyinKeys, ['accessToken', 'api', 'appid', 'baseUrl', 'fetch', 'rateLimiter', 'retries', 'secret', 'stableToken', 'timeoutMs', 'tokenStore']);
  for (const key of douyinKeys) {
    let err = null;
    try {
      new DouyinClient({ appid: 'tt1', accessToken: 't', [key]: null });
    } catch (e) {
      err = e;
    }
    assertKnown(err, `DouyinClient option ${key}`);
  }
});

test('drift: every request key declared (both naming styles) is one the methods know', async (t) => {
  if (!setup(t)) return;
  const p = probe();
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const dy1 = douyinClient(ctx.emu, { retries: 0 });
  const dy2 = douyinClient(ctx.emu, { retries: 0, api: 'v2' });
  const cases = [
    ['TokenRequest', (k) => wx.getAccessToken({ [k]: null })],
    ['SchemeRequest', (k) => wx.urlscheme.generate({ [k]: null })],
    ['JumpWxa', (k) => wx.urlscheme.generate({ jumpWxa: { [k]: null } })],
    ['SchemeQueryRequest', (k) => wx.urlscheme.query({ [k]: null })],
    ['LinkRequest', (k) => wx.urllink.generate({ [k]: null })],
    ['CloudBase', (k) => wx.urllink.generate({ cloudBase: { env: 'e', [k]: null } })],
    ['LinkQueryRequest', (k) => wx.urllink.query({ [k]: null })],
    ['ShortRequest', (k) => wx.shortlink.generate({ [k]: null })],
    ['PlainRequest', (k) => wx.plainScheme({ [k]: null })],
    ['DouyinV1Request', (k) => dy1.urlLink.generate({ [k]: null })],
    ['DouyinV2Request', (k) => dy2.urlLink.generate({ [k]: null })],
    ['DouyinInfoRequest', (k) => dy2.urlLink.queryInfo({ [k]: null })],
  ];
  for (const [name, call] of cases) {
    const keys = p.keys(name);
    assert.ok(keys.length > 0, `${name} declares keys`);
    for (const key of keys) assertKnown(await outcome(() => call(key)), `${name}.${key}`);
  }
  // Both naming styles, where the package takes both.
  const pairs = {
    SchemeRequest: ['jumpWxa', 'jump_wxa', 'isExpire', 'is_expire', 'expireType', 'expire_type', 'expireTime', 'expire_time', 'expireInterval', 'expire_interval'],
    JumpWxa: ['path', 'query', 'envVersion', 'env_version'],
    LinkRequest: ['cloudBase', 'cloud_base', 'envVersion', 'env_version'],
    CloudBase: ['env', 'domain', 'path', 'query', 'resourceAppid', 'resource_appid'],
    ShortRequest: ['pageUrl', 'page_url', 'pageTitle', 'page_title', 'isPermanent', 'is_permanent'],
    LinkQueryRequest: ['urlLink', 'url_link', 'queryType', 'query_type'],
    SchemeQueryRequest: ['scheme', 'queryType', 'query_type'],
    PlainRequest: ['path', 'query', 'envVersion', 'env_version'],
    TokenRequest: ['forceRefresh', 'force_refresh'],
    DouyinV1Request: ['appName', 'app_name', 'path', 'query', 'expireTime', 'expire_time'],
    DouyinInfoRequest: ['urlLink', 'url_link'],
  };
  for (const [name, keys] of Object.entries(pairs)) {
    for (const key of keys) assert.ok(p.keys(name).includes(key), `${name} declares ${key}`);
  }
});

test('drift: every value the typings allow is one the package accepts', async (t) => {
  if (!setup(t)) return;
  const p = probe();
  const wx = wechatClient(ctx.emu, { retries: 0 });
  assert.deepEqual(p.literals('EnvVersion').sort(), ['develop', 'release', 'trial']);
  for (const envVersion of p.literals('EnvVersion')) {
    assert.match(wx.plainScheme({ path: 'p', envVersion }), new RegExp(`env_version=${envVersion}$`));
    await wx.urllink.generate({ envVersion });
  }
  assert.deepEqual(p.literals('ExpireType').sort(), [0, 1]);
  await wx.urllink.generate({ expireType: 0, expireTime: inFuture(DAY) });
  await wx.urllink.generate({ expireType: 1, expireInterval: 1 });
  assert.deepEqual(p.literals('QueryType').sort(), [0, 1]);
  const { urlLink } = await wx.urllink.generate({});
  for (const queryType of p.literals('QueryType')) assertKnown(await outcome(() => wx.urllink.query({ urlLink, queryType })), 'queryType');

  assert.deepEqual(p.literals('DouyinApi').sort(), ['v1', 'v2']);
  for (const api of p.literals('DouyinApi')) assert.ok(new DouyinClient({ appid: 'tt1', secret: 's', api }));
  const dy1 = douyinClient(ctx.emu, { retries: 0 });
  const dy2 = douyinClient(ctx.emu, { retries: 0, api: 'v2' });
  assert.deepEqual(p.literals('DouyinV1AppName').sort(), ['douyin', 'douyinlite']);
  for (const appName of p.literals('DouyinV1AppName')) await dy1.urlLink.generate({ appName, expireTime: inFuture(3600) });
  assert.deepEqual(p.literals('DouyinV2AppName').sort(), ['douyin', 'douyinlite', 'toutiao', 'toutiaolite']);
  for (const appName of p.literals('DouyinV2AppName')) await dy2.urlLink.generate({ appName, expireTime: inFuture(3600) });

  assert.deepEqual(p.literals('ErrorCode').sort(), ['API_ERROR', 'HTTP_ERROR', 'INTERNAL_ERROR', 'INVALID_ARGUMENT', 'NETWORK_ERROR', 'NOT_DONE', 'TIMEOUT']);
  assert.deepEqual(p.literals('Platform').sort(), ['douyin', 'wechat']);
});

// ---------------------------------------------------------------- 4. drift: results

/** The result has every field the typings promise, and none they do not know of (unless open). */
function assertResultShape(name, value) {
  const p = probe();
  assert.ok(value && typeof value === 'object', `${name}: an object`);
  const actual = Object.keys(value).sort();
  for (const key of p.required(name)) assert.ok(actual.includes(key), `${name}: the typings promise ${key}, the result ${JSON.stringify(value)} lacks it`);
  if (!p.open(name)) {
    const declared = p.keys(name);
    for (const key of actual) assert.ok(declared.includes(key), `${name}: the result carries ${key}, which the typings do not declare`);
  }
}

test('drift: WeChat results have the fields the typings declare (getAccessToken, generate)', async (t) => {
  if (!setup(t)) return;
  const wx = wechatClient(ctx.emu, { retries: 0 });
  assertResultShape('TokenResult', await wx.getAccessToken());
  assertResultShape('SchemeResult', await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a' } }));
  assertResultShape('LinkResult', await wx.urllink.generate({ path: 'pages/a' }));
  assertResultShape('ShortResult', await wx.shortlink.generate({ pageUrl: 'pages/a' }));
});

test('drift: WeChat query results have the fields the typings declare (urlscheme.query, urllink.query)', async (t) => {
  if (!setup(t)) return;
  const wx = wechatClient(ctx.emu, { retries: 0 });
  const { openlink } = await wx.urlscheme.generate({ jumpWxa: { path: 'pages/a', query: 'x=1' } });
  const scheme = await wx.urlscheme.query({ scheme: openlink });
  assertResultShape('SchemeQueryResult', scheme);
  assertResultShape('SchemeInfo', scheme.schemeInfo);
  const { urlLink } = await wx.urllink.generate({ path: 'pages/a', cloudBase: { env: 'e' } });
  const link = await wx.urllink.query({ urlLink });
  assertResultShape('LinkQueryResult', link);
  assertResultShape('LinkInfo', link.urlLinkInfo);
});

test('drift: Douyin results have the fields the typings declare (both generations)', async (t) => {
  if (!setup(t)) return;
  const dy1 = douyinClient(ctx.emu, { retries: 0 });
  const dy2 = douyinClient(ctx.emu, { retries: 0, api: 'v2' });
  assertResultShape('DouyinTokenResult', await dy1.getAccessToken());
  assertResultShape('DouyinTokenResult', await dy2.getAccessToken());
  assertResultShape('DouyinV1Result', await dy1.urlLink.generate({ expireTime: inFuture(3600) }));
  const v2 = await dy2.urlLink.generate({ expireTime: inFuture(3600) });
  assertResultShape('DouyinV2Result', v2);
  assertResultShape('DouyinInfo', await dy2.urlLink.queryInfo({ urlLink: v2.urlLink }));
  assertResultShape('DouyinQuota', await dy2.urlLink.queryQuota());
});
