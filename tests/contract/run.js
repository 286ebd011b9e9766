#!/usr/bin/env node
// The third-party contract run: Portman turns each OpenAPI document into a Postman collection
// of contract tests, newman runs it against the real apiserver binary, and every failed
// assertion must be listed in exceptions.json with its reason. See README.md.
//
//   node tests/contract/run.js --apiserver build/apiserver [--work DIR] [--only TEXT]
//                              [--large] [--write-exceptions FILE]
//
// --only TEXT runs the documents whose name contains TEXT; --large adds the large documents
// of the shared conformance folder; --write-exceptions writes every failure in the format of
// exceptions.json (unlisted ones with an UNREVIEWED reason), a start for reviewing them.
//
// Exits 0 when every failure is listed and every listed exception still fails, 1 otherwise,
// and 77 (skipped) when the tools are not installed (`npm ci` in tests/contract) outside CI.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const HERE = __dirname;
const SOURCE_DIR = path.resolve(HERE, '../..');
const SKIPPED = 77;

function parseArgs(argv) {
  const args = { apiserver: null, work: null, only: null, large: false, writeExceptions: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--large') {
      args.large = true;
      i -= 1;
      continue;
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--apiserver') args.apiserver = path.resolve(value);
    else if (flag === '--work') args.work = path.resolve(value);
    else if (flag === '--only') args.only = value;
    else if (flag === '--write-exceptions') args.writeExceptions = path.resolve(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!args.apiserver) throw new Error('--apiserver PATH is required');
  if (!args.work) args.work = fs.mkdtempSync(path.join(os.tmpdir(), 'apiserver-contract-'));
  return args;
}

function toolsInstalled() {
  return ['newman', '@apideck/portman'].every((name) =>
    fs.existsSync(path.join(HERE, 'node_modules', name, 'package.json')),
  );
}

function serverArgs(target) {
  const args = [target.spec, '--host', '127.0.0.1', '--port', '0', '--access-log', 'off'];
  if (target.mode === 'mock') args.push('--mock');
  else args.push('--db', ':memory:');
  return args;
}

function safeName(text) {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

// Generates, serves and runs one target; resolves to its list of assertion results.
async function runTarget(target, args, baseConfig) {
  const { generateCollection } = require('./lib/generate');
  const { startServer } = require('./lib/server');
  const { runCollection } = require('./lib/newman_run');
  const { mergeConfig } = require('./lib/targets');

  const dir = path.join(args.work, safeName(target.name));
  fs.mkdirSync(dir, { recursive: true });
  const configPath = path.join(dir, 'portman-config.json');
  fs.writeFileSync(configPath, JSON.stringify(mergeConfig(baseConfig, target.overlay), null, 2));
  const collection = await generateCollection(
    target.spec,
    configPath,
    path.join(dir, 'collection.json'),
    path.join(dir, 'portman'),
    target.unknownFormats,
  );
  const [command, ...commandArgs] = target.upstream ? target.upstream.command : [];
  const upstream = target.upstream ? await startServer(command, commandArgs, {}) : null;
  const env = upstream ? { ...target.env, [target.upstream.env]: upstream.baseUrl } : target.env;
  try {
    const server = await startServer(args.apiserver, serverArgs(target), env);
    try {
      return await runCollection(collection, server.baseUrl, path.join(dir, 'newman-report.json'));
    } finally {
      await server.stop();
      fs.writeFileSync(path.join(dir, 'server.log'), server.log());
    }
  } finally {
    if (upstream) await upstream.stop();
  }
}

function printFailures(title, list, describe) {
  if (list.length === 0) return;
  console.log(`\n${title} (${list.length}):`);
  for (const item of list) console.log(`  ${describe(item)}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!toolsInstalled()) {
    const hint = `Portman and newman are not installed: run \`npm ci\` in ${HERE}`;
    if (process.env.CI) {
      console.error(`${hint} (build.sh test does).`);
      return 1;
    }
    console.log(`${hint}; skipped.`);
    return SKIPPED;
  }
  const { listTargets } = require('./lib/targets');
  const { loadExceptions, judge } = require('./lib/exceptions');
  const baseConfig = JSON.parse(fs.readFileSync(path.join(HERE, 'portman-config.json'), 'utf8'));
  const exceptions = loadExceptions(path.join(HERE, 'exceptions.json'));
  const targets = listTargets(SOURCE_DIR, args).filter(
    (target) => !args.only || target.name.includes(args.only),
  );

  const totals = { assertions: 0, unexpected: [], stale: [], excepted: 0 };
  const failuresToWrite = [];
  console.log(`contract: ${targets.length} documents; collections and reports in ${args.work}`);
  for (const target of targets) {
    const started = Date.now();
    let results;
    try {
      results = await runTarget(target, args, baseConfig);
    } catch (error) {
      results = [{ request: '(document)', assertion: 'generate and run', error: error.message }];
    }
    const outcome = judge(target.name, results, exceptions);
    const failed = outcome.excepted.length + outcome.unexpected.length;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `  ${target.name}: ${results.length} assertions, ${failed} failed, ` +
        `${outcome.excepted.length} listed as exceptions (${seconds} s)`,
    );
    totals.assertions += results.length;
    totals.excepted += outcome.excepted.length;
    totals.unexpected.push(...outcome.unexpected.map((r) => ({ document: target.name, ...r })));
    totals.stale.push(...outcome.stale);
    failuresToWrite.push(...outcome.excepted.map((e) => e.exception));
    for (const r of outcome.unexpected) {
      const reason = `UNREVIEWED: ${r.error.split('\n')[0]}`;
      const { request, assertion } = r;
      failuresToWrite.push({ document: target.name, request, assertion, reason });
    }
  }
  if (args.writeExceptions) {
    fs.writeFileSync(args.writeExceptions, JSON.stringify(failuresToWrite, null, 2) + '\n');
  }

  printFailures('Failed assertions not listed in exceptions.json', totals.unexpected, (f) =>
    `${f.document} | ${f.request} | ${f.assertion}: ${f.error.replace(/\s+/g, ' ')}`,
  );
  printFailures('Exceptions to remove from exceptions.json', totals.stale, (s) =>
    `${s.document} | ${s.request} | ${s.assertion}: ${s.why}`,
  );
  const passed = totals.assertions - totals.excepted - totals.unexpected.length;
  console.log(
    `\ncontract: ${totals.assertions} assertions: ${passed} passed, ${totals.excepted} failed ` +
      `as listed in exceptions.json, ${totals.unexpected.length} failed unlisted; ` +
      `${totals.stale.length} listed exceptions stale`,
  );
  return totals.unexpected.length + totals.stale.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.stack || String(error));
    process.exit(1);
  },
);
