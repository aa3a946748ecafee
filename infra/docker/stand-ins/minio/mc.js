#!/usr/bin/env node
'use strict';
// `mc` of the MinIO stand-in: just what docker-compose.yml runs, anything else is refused.
//   mc ready <alias>                          exit 0 once the alias's server answers
//   mc alias set <alias> <url> <key> <secret> remembered in ~/.mc/config.json, as mc does
//   mc mb [--ignore-existing|-p] <alias>/<bucket>...
// Requests are signed (AWS signature V4), so it works against a real MinIO too. `local` is
// http://127.0.0.1:9000 unless set otherwise.
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const CONFIG = path.join(os.homedir(), '.mc', 'config.json');

function fail(message, code = 1) {
  console.error(`mc (stand-in): ${message}`);
  process.exit(code);
}

function readConfig() {
  const config = fs.existsSync(CONFIG) ? JSON.parse(fs.readFileSync(CONFIG, 'utf8')) : {};
  return {
    version: '10',
    ...config,
    aliases: { local: { url: 'http://127.0.0.1:9000' }, ...config.aliases },
  };
}

function aliasNamed(name) {
  return (
    readConfig().aliases[name] ||
    fail(`no alias "${name}" (set it with: mc alias set ${name} <url> <key> <secret>)`)
  );
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

/** One request with an empty body, signed with AWS signature V4 when the alias has keys. */
function request(method, alias, pathname) {
  const url = new URL(pathname, alias.url);
  const date = new Date().toISOString().replace(/[-:]|\.\d+/g, ''); // 20250102T030405Z
  const headers = { host: url.host, 'x-amz-content-sha256': sha256(''), 'x-amz-date': date };
  if (alias.accessKey) {
    const day = date.slice(0, 8);
    const scope = `${day}/us-east-1/s3/aws4_request`;
    const names = Object.keys(headers).sort();
    const lines = names.map((name) => `${name}:${headers[name]}`);
    const canonical = [method, url.pathname, '', ...lines, '', names.join(';'), sha256('')].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
    let key = `AWS4${alias.secretKey}`;
    for (const part of [day, 'us-east-1', 's3', 'aws4_request']) key = hmac(key, part);
    const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
    headers.authorization =
      `AWS4-HMAC-SHA256 Credential=${alias.accessKey}/${scope}, ` +
      `SignedHeaders=${names.join(';')}, Signature=${signature}`;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 4000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, code: (/<Code>([^<]*)<\/Code>/.exec(body) || [])[1] }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} in 4 s`)));
    req.on('error', reject).end();
  });
}

const commands = {
  async ready(args) {
    if (args.length !== 1) fail('usage: mc ready <alias>');
    // MinIO's readiness endpoint; s3rver answers it (404) as soon as it serves requests.
    const { status } = await request('GET', aliasNamed(args[0]), '/minio/health/ready');
    if (status >= 500) fail(`${args[0]} is not ready (HTTP ${status})`);
    console.log(`The cluster '${args[0]}' is ready`);
  },

  async alias([action, name, url, accessKey, secretKey, ...rest]) {
    if (action !== 'set')
      fail(`"mc alias ${action || ''}" is not supported by the stand-in (only "alias set")`);
    if (!name || !/^https?:\/\/[^/]+\/?$/.test(url || '') || rest.length > 0 || !secretKey) {
      fail('usage: mc alias set <alias> <http(s)://host:port> <access key> <secret key>');
    }
    const config = readConfig();
    config.aliases[name] = { url: url.replace(/\/$/, ''), accessKey, secretKey, api: 's3v4', path: 'auto' };
    fs.mkdirSync(path.dirname(CONFIG), { recursive: true, mode: 0o700 });
    fs.writeFileSync(CONFIG, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    console.log(`Added \`${name}\` successfully.`);
  },

  async mb(args) {
    const ignoreExisting = args.some((arg) => arg === '--ignore-existing' || arg === '-p');
    const targets = args.filter((arg) => arg !== '--ignore-existing' && arg !== '-p');
    const unknown = targets.find((arg) => arg.startsWith('-'));
    if (unknown) fail(`"mc mb ${unknown}" is not supported by the stand-in`);
    if (targets.length === 0) fail('usage: mc mb [--ignore-existing] <alias>/<bucket>...');
    for (const target of targets) {
      const [, name, bucket] =
        /^([^/]+)\/([^/]+)\/?$/.exec(target) || fail(`"${target}" is not <alias>/<bucket>`);
      const { status, code } = await request('PUT', aliasNamed(name), `/${bucket}`);
      const exists = code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists';
      if (status >= 300 && !(exists && ignoreExisting))
        fail(`Unable to make bucket \`${target}\`: HTTP ${status} ${code || ''}`);
      console.log(`Bucket created successfully \`${target}\`.`);
    }
  },
};

const [command, ...args] = process.argv.slice(2);
if (!Object.hasOwn(commands, command || '')) {
  fail(
    `"mc ${process.argv.slice(2).join(' ')}" is not supported by the stand-in (only: ready, alias set, mb)`,
    2,
  );
}
commands[command](args).catch((error) => fail(error.message));
