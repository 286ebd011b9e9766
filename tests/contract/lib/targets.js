// The documents the contract run covers, and how each is served.
//
// Every conformance document is served with --mock: the copy under tests/conformance, except
// the two large public documents of real-world-large/ (their collections take minutes to
// generate and run), which --large adds, with any document that only the shared conformance
// folder holds (../shared beside the checkout, or $APISERVER_SHARED_DIR); ctest runs the large
// ones as a test of their own (contract_large), beside the rest. The benchmark's items API is
// served both ways. The stored examples are served stored, in a throwaway database,
// with a Portman configuration (stored/NAME.json) that creates a row first and sends its id
// to the operations that need one. A mocked document may have its own additions too
// (mock/NAME.json, see MOCK_OVERLAYS): credentials the generated requests would not carry,
// or valid values where Portman's would break the document.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const OPENAPI_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

// Mocked documents (by file name without extension) -> their overlay in mock/.
const MOCK_OVERLAYS = {
  'readme-3.0-security': 'readme-security',
  'readme-3.1-security': 'readme-security',
  'swagger-petstore-v3': 'swagger-petstore-v3',
  sendgrid_tsg_templates_v3: 'sendgrid_tsg_templates_v3',
  'box-openapi': 'box-openapi',
  'discord-openapi': 'discord-openapi',
};

// Relative paths of the OpenAPI documents under `root`, sorted; LICENSES/ holds no document.
function listDocuments(root) {
  if (!fs.existsSync(root)) return [];
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path.relative(root, full) !== 'LICENSES') walk(full);
      } else if (OPENAPI_EXTENSIONS.has(path.extname(entry.name))) {
        found.push(path.relative(root, full));
      }
    }
  };
  walk(root);
  return found.sort();
}

// A target: { name, spec, mode: 'mock' | 'stored', overlay (Portman config to merge, or null),
// env (extra environment of the server), unknownFormats (formats the response schema check
// is to ignore) }. `name` is how the exceptions file and the report
// refer to it.
function listTargets(sourceDir, { large }) {
  const targets = [];
  const committed = path.join(sourceDir, 'tests/conformance/openapi');
  const committedDocs = listDocuments(committed);
  for (const doc of committedDocs) {
    // The large ones are committed for the other conformance tests; here they need --large.
    if (doc.startsWith('real-world-large/') && !large) continue;
    targets.push(mockTarget(`conformance/${doc}`, path.join(committed, doc)));
  }
  const sharedDir = process.env.APISERVER_SHARED_DIR || path.join(sourceDir, '../shared');
  const shared = path.join(sharedDir, 'conformance/openapi');
  for (const doc of large ? listDocuments(shared) : []) {
    if (!committedDocs.includes(doc)) {
      targets.push(mockTarget(`conformance/${doc}`, path.join(shared, doc)));
    }
  }
  const items = path.join(sourceDir, 'bench/spec/items.yaml');
  targets.push(mockTarget('bench/spec/items.yaml', items));
  targets.push(storedTarget(sourceDir, 'bench/spec/items.yaml', 'items'));
  for (const example of listDocuments(path.join(sourceDir, 'examples'))) {
    targets.push(storedTarget(sourceDir, `examples/${example}`, path.parse(example).name));
  }
  return targets;
}

function readOverlay(folder, name) {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', folder, `${name}.json`), 'utf8'));
}

function mockTarget(name, spec) {
  const overlayName = MOCK_OVERLAYS[path.parse(spec).name];
  const overlay = overlayName ? readOverlay('mock', overlayName) : null;
  const unknownFormats = takeUnknownFormats(overlay);
  return { name: `${name} (mock)`, spec, mode: 'mock', overlay, env: {}, unknownFormats };
}

function storedTarget(sourceDir, relative, overlayName) {
  const overlay = readOverlay('stored', overlayName);
  const env = overlay['x-server-env'] || {};
  delete overlay['x-server-env'];
  // `x-upstream`: {command: [...], env: NAME}, a backend the document forwards to, started
  // first (relative paths from the repository root); its URL goes to the server in NAME.
  const upstream = overlay['x-upstream'] || null;
  delete overlay['x-upstream'];
  if (upstream) {
    upstream.command = upstream.command.map((part) =>
      part.startsWith('examples/') ? path.join(sourceDir, part) : part,
    );
  }
  return {
    name: `${relative} (stored)`,
    spec: path.join(sourceDir, relative),
    mode: 'stored',
    overlay,
    env,
    upstream,
    unknownFormats: takeUnknownFormats(overlay),
  };
}

// `x-unknown-formats` of an overlay: a vendor's own `format` values (Discord's `snowflake`),
// which the validator of Portman's schema check refuses to compile unless told to ignore them
// (Portman's `extraUnknownFormats`); the rest of each schema is still checked.
function takeUnknownFormats(overlay) {
  if (!overlay) return [];
  const formats = overlay['x-unknown-formats'] || [];
  delete overlay['x-unknown-formats'];
  return formats;
}

// The base Portman configuration with a target's overlay merged in: arrays are appended, so
// an overlay adds assignments, overwrites and an order of operations to the shared tests.
function mergeConfig(base, overlay) {
  if (!overlay) return base;
  const merged = JSON.parse(JSON.stringify(base));
  const mergeInto = (into, from) => {
    for (const [key, value] of Object.entries(from)) {
      if (Array.isArray(value)) into[key] = (into[key] || []).concat(value);
      else if (value && typeof value === 'object') mergeInto((into[key] = into[key] || {}), value);
      else into[key] = value;
    }
  };
  mergeInto(merged, overlay);
  return merged;
}

module.exports = { listTargets, mergeConfig };
