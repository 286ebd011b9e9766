// Starts the real apiserver binary on an ephemeral port and stops it again.
//
// The server prints "listening on http://HOST:PORT" once it accepts connections; the port is
// read from that line, so several runs never collide on a fixed port.
'use strict';

const { spawn } = require('node:child_process');

const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 10000;
const LISTENING = /listening on (http:\/\/[^\s]+:\d+)/;

// Servers still running; killed if this process exits on an error before stopping them.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// Resolves to { baseUrl, stop(), log() } once the server listens; rejects with the server's
// output if it exits or stays silent first.
function startServer(binary, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    let output = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${binary} ${args.join(' ')}: ${why}\n${output}`));
    };
    const timer = setTimeout(() => fail('did not listen in time'), START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk.toString();
      const found = LISTENING.exec(output);
      if (found && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ baseUrl: found[1], stop: () => stopServer(child), log: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => fail(error.message));
    child.on('exit', (code, signal) => fail(`exited (${code ?? signal}) before listening`));
  });
}

// SIGTERM, then SIGKILL if the server has not exited in time.
function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

module.exports = { startServer };
