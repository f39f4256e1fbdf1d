'use strict';
// The commands that print one result: `token`, and a link from flags.

const { BIN, EXIT, FIELDS, UsageError, kebab, buildRequest } = require('./arguments.cjs');
const { isPlainObject } = require('./formats.cjs');
const { makeClient, generatorOf, linkOf, exitCodeFor } = require('./client.cjs');

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

/** The request of one link: --request's JSON, the field flags over it. */
function requestFrom(command, flags, fields) {
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
  // Field flags win over --request; an object both give is merged one level deep.
  const fromFlags = buildRequest(flat, types);
  for (const [k, v] of Object.entries(fromFlags)) {
    request[k] = isPlainObject(v) && isPlainObject(request[k]) ? Object.assign({}, request[k], v) : v;
  }
  return request;
}

async function runSingle(name, command, flags, fields, env, io) {
  const request = requestFrom(command, flags, fields);
  const { client, secrets } = makeClient(command.platform, flags, env, { needSecret: command.kind !== 'plainScheme', api: command.api });
  io.secrets.push(...secrets);
  try {
    const result = await generatorOf(client, command.kind)(request);
    const link = linkOf(command, result);
    if (flags.text) io.out(`${link}\n`);
    else io.out(`${JSON.stringify(command.kind === 'plainScheme' ? { scheme: result } : result)}\n`);
    return EXIT.OK;
  } catch (err) {
    io.err(`${BIN} ${name}: ${err.code}: ${err.message}\n`);
    return exitCodeFor(err);
  }
}

module.exports = { runToken, runSingle, requestFrom };
