// Turns an OpenAPI document into a Postman collection with Portman's contract tests.
//
// Portman runs as a library, in this process, so its modules load once for every document.
// It reports fatal problems with process.exit(1); that is turned into an exception for the
// duration of one generation, so a document Portman cannot read fails alone.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// Portman's example values come from Math.random, some of it captured when its modules load:
// Math.random is made to delegate to `randomSource` before they load, so that a generation can
// swap in a seeded generator (see seededRandom).
const processRandom = Math.random;
let randomSource = processRandom;
Math.random = () => randomSource();

const { Portman } = require('@apideck/portman/dist/Portman');

const PORTMAN_DIR = path.dirname(require.resolve('@apideck/portman/package.json'));

// Writes the collection of `spec` to `output`, with `configPath` as Portman's configuration
// and `unknownFormats` as the formats its schema checks ignore, and returns it. newman points the requests at the running server ({{baseUrl}}).
// A document with a circular $ref is refused by Portman unless told to ignore them (it then
// skips the response schema check only where a schema is circular): that is retried once.
async function generateCollection(spec, configPath, output, workDir, unknownFormats) {
  try {
    return await generateOnce(spec, configPath, output, workDir, unknownFormats, false);
  } catch (error) {
    if (!/Circular \$ref/.test(error.message)) throw error;
    return await generateOnce(spec, configPath, output, workDir, unknownFormats, true);
  }
}

// A small seeded generator (mulberry32): Portman draws its example values from Math.random,
// and the exceptions name assertions whose outcome depends on those values, so every run of
// the same document must generate the same requests.
function seededRandom(text) {
  let state = 0x9e3779b9;
  for (const char of text) state = Math.imul(state ^ char.charCodeAt(0), 0x85ebca6b) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generateOnce(spec, configPath, output, workDir, unknownFormats, ignoreCircularRefs) {
  fs.mkdirSync(workDir, { recursive: true });
  const portman = new Portman({
    oaLocal: spec,
    oaUrl: '',
    baseUrl: 'http://127.0.0.1:1',
    output,
    includeTests: true,
    bundleContractTests: false,
    runNewman: false,
    syncPostman: false,
    portmanConfigFile: configPath,
    portmanConfigPath: configPath,
    postmanConfigPath: path.join(PORTMAN_DIR, 'postman-config.default.json'),
    envFile: path.join(workDir, 'no.env'),
    filterFile: undefined,
    oaOutput: '',
    collectionName: '',
    warn: false,
    extraUnknownFormats: unknownFormats,
    syncPostmanCollectionIds: false,
    ignoreCircularRefs,
  });
  const savedCwd = process.cwd();
  const savedExit = process.exit;
  const savedLog = console.log;
  const savedError = console.error;
  const savedStderrWrite = process.stderr.write;
  const logged = [];
  // Portman writes its scratch files under ./tmp and talks a lot (its spinner on stderr):
  // kept for the error message only.
  process.chdir(workDir);
  randomSource = seededRandom(path.basename(spec));
  console.log = (...args) => logged.push(args.join(' '));
  console.error = console.log;
  process.stderr.write = (chunk) => logged.push(String(chunk)) > 0;
  process.exit = (code) => {
    throw new Error(`Portman gave up (exit ${code}) on ${spec}:\n${logged.join('\n')}`);
  };
  try {
    await portman.run();
  } finally {
    process.exit = savedExit;
    randomSource = processRandom;
    console.log = savedLog;
    console.error = savedError;
    process.stderr.write = savedStderrWrite;
    process.chdir(savedCwd);
  }
  if (!fs.existsSync(output)) {
    throw new Error(`Portman wrote no collection for ${spec}:\n${logged.join('\n')}`);
  }
  return JSON.parse(fs.readFileSync(output, 'utf8'));
}

module.exports = { generateCollection };
