// Runs a Postman collection with newman against a running server and lists every assertion.
//
// The outcome is read from newman's run summary, the object its JSON reporter writes out.
// The reporter itself is not used: on the large documents (every test script carries its
// response schema inline) the whole summary is too long for one JavaScript string
// (RangeError: Invalid string length). A compact report of each request (status, assertions)
// is written instead, for reading a failure after the run.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const newman = require('newman');

const REQUEST_TIMEOUT_MS = 10000;
const BODY_EXCERPT = 600;
// Where a file part's `src` (an overlay's upload, e.g. stored/model-gateway-audio.wav) is read
// from, whatever the directory the run started in.
const FILES_DIR = path.join(__dirname, '..');

// Resolves to a list of { request, assertion, error } (error is null for a pass). Errors that
// are not assertions (a request that got no answer, a test script that threw) are listed too,
// with the assertion named after what failed.
function runCollection(collection, baseUrl, reportPath) {
  const notSent = removeForeignRequests(collection);
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        envVar: [{ key: 'baseUrl', value: baseUrl }],
        reporters: [],
        timeoutRequest: REQUEST_TIMEOUT_MS,
        workingDir: FILES_DIR,
        insecureFileRead: false,
      },
      (error, summary) => {
        if (error) return reject(error);
        try {
          const report = compactReport(summary.run.executions);
          fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
          resolve(notSent.concat(results(report)));
        } catch (readError) {
          reject(readError);
        }
      },
    );
  });
}

// Takes out of the collection every request addressed elsewhere than {{baseUrl}} (Portman
// keeps an operation's own `servers`, e.g. a vendor's upload host), so that nothing leaves
// this machine; each is reported as a failed result instead.
function removeForeignRequests(collection) {
  const notSent = [];
  const keepLocal = (items) =>
    items.filter((item) => {
      if (item.item) {
        item.item = keepLocal(item.item);
        return true;
      }
      const url = item.request && item.request.url;
      const host = url && typeof url === 'object' ? [].concat(url.host || []).join('.') : url;
      if (host === '{{baseUrl}}') return true;
      // A server URL with a variable for its host (Box's `https://{box-upload-server}/...`)
      // leaves Portman's URL without a host.
      const where = host || 'a templated server URL';
      notSent.push({
        request: item.name,
        assertion: 'addressed to the server under test',
        error: `addressed to ${where} (an operation's own servers): not sent`,
      });
      return false;
    });
  collection.item = keepLocal(collection.item || []);
  return notSent;
}

// One entry a request: what was sent, what came back, and each assertion's outcome.
function compactReport(executions) {
  return executions.map((execution) => {
    const { request, response } = execution;
    const body = request && request.body && (request.body.raw || formFields(request.body));
    return {
      request: execution.item.name,
      sent: request ? `${request.method} ${request.url.toString()}` : null,
      sentBody: body ? String(body).slice(0, BODY_EXCERPT) : null,
      status: response ? response.code : null,
      contentType: response ? response.headers.get('Content-Type') || null : null,
      body: response && response.stream ? response.stream.toString().slice(0, BODY_EXCERPT) : null,
      requestError: execution.requestError ? execution.requestError.message : null,
      scriptErrors: (execution.testScript || [])
        .filter((script) => script.error)
        .map((script) => script.error.message),
      assertions: (execution.assertions || [])
        .filter((assertion) => !assertion.skipped)
        .map((assertion) => ({
          assertion: assertion.assertion,
          error: assertion.error ? assertion.error.message : null,
        })),
    };
  });
}

// A multipart or form body's fields, `name=value` (a file part `name=@src (content type)`).
function formFields(body) {
  const fields = body.formdata || body.urlencoded;
  if (!fields || typeof fields.map !== 'function') return null;
  return fields
    .map((field) =>
      field.type === 'file'
        ? `${field.key}=@${field.src || '(no file)'} (${field.contentType || 'no type'})`
        : `${field.key}=${field.value}`,
    )
    .join('&');
}

function results(report) {
  const out = [];
  for (const entry of report) {
    if (entry.requestError) {
      out.push({ request: entry.request, assertion: 'request', error: entry.requestError });
    }
    for (const assertion of entry.assertions) out.push({ request: entry.request, ...assertion });
    for (const message of entry.scriptErrors) {
      out.push({ request: entry.request, assertion: 'test script', error: message });
    }
  }
  return out;
}

module.exports = { runCollection };
