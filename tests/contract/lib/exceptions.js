// The committed list of failures the contract run accepts, each with its reason.
//
// An exception names one assertion exactly: the document (target name), the request (the
// Postman item's name) and the assertion (its name as Portman wrote it). A failure that is not
// listed fails the run; so does a listed exception that now passes or no longer exists, so
// the list only ever shrinks as the server is fixed.
'use strict';

const fs = require('node:fs');

function keyOf(document, request, assertion) {
  return JSON.stringify([document, request, assertion]);
}

function loadExceptions(file) {
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byKey = new Map();
  for (const entry of entries) {
    for (const field of ['document', 'request', 'assertion', 'reason']) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        throw new Error(`${file}: an exception without "${field}": ${JSON.stringify(entry)}`);
      }
    }
    const key = keyOf(entry.document, entry.request, entry.assertion);
    if (byKey.has(key)) throw new Error(`${file}: listed twice: ${key}`);
    byKey.set(key, entry);
  }
  return byKey;
}

// Splits one target's results into passed, excepted (failed and listed), unexpected (failed,
// not listed) and stale (listed, but passed or absent).
function judge(document, results, exceptions) {
  const outcome = { passed: 0, excepted: [], unexpected: [], stale: [] };
  const seen = new Set();
  for (const result of results) {
    const key = keyOf(document, result.request, result.assertion);
    const exception = exceptions.get(key);
    if (exception) seen.add(key);
    if (!result.error) {
      outcome.passed += 1;
      if (exception) outcome.stale.push({ ...exception, why: 'now passes' });
    } else if (exception) {
      outcome.excepted.push({ ...result, exception });
    } else {
      outcome.unexpected.push(result);
    }
  }
  for (const [key, exception] of exceptions) {
    if (exception.document === document && !seen.has(key)) {
      outcome.stale.push({ ...exception, why: 'no such assertion ran' });
    }
  }
  return outcome;
}

module.exports = { loadExceptions, judge };
