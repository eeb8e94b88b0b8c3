// What the browser tests run against: `./hookline local` on a free port with a data directory of its own,
// receivers from `./hookline receiver`, and Debian's Chromium driven by playwright-core.

import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOOKLINE = path.join(ROOT, 'hookline');
export const OUTPUT = process.env.HOOKLINE_BROWSER_TEST_OUTPUT ?? path.join(ROOT, 'local/target/browser-tests');
const CHROMIUM = process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium';

/** Waits until check() returns a truthy value, polling; fails after `seconds` with `what`. */
export async function eventually(what, check, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${seconds} s`);
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(args, log) {
  const child = spawn(HOOKLINE, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const collect = (chunk) => {
    child.output += chunk;
    if (log) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.exited = new Promise((resolve) => { child.on('exit', resolve); });
  return child;
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await child.exited;
}

/** A local stack of its own: {apiUrl, dashboardUrl, apiKey, readKey, stop()}. */
export async function startStack() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hookline-browser-'));
  // Fast retries, so a failing endpoint uses up its attempts within seconds.
  const runner = start(['local', '--port', '0', '--data-dir', dataDir, '--parameters', 'DeliveryRetrySchedule=1s'],
    process.env.HOOKLINE_BROWSER_TEST_VERBOSE);
  const stateFile = path.join(dataDir, 'state.json');
  await eventually('the local stack to start', () => {
    if (runner.exitCode !== null) throw new Error(`./hookline local exited:\n${runner.output}`);
    return existsSync(stateFile);
  }, 300);
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const { stdout } = await promisify(execFile)(HOOKLINE, ['mint-key', '--company', state.company_id, '--scopes', 'read',
    '--state-file', stateFile], { cwd: ROOT });
  return {
    stateFile,
    apiUrl: state.api_url,
    dashboardUrl: state.dashboard_url,
    apiKey: state.api_key,
    readKey: stdout.trim().split('\n').at(-1),
    dataDir,
    stop: () => stop(runner),
  };
}

/** `./hookline send-event FILE`: a producer event through fan-out, as a producer would send it. */
export async function sendEvent(stack, file) {
  const { stdout } = await promisify(execFile)(HOOKLINE, ['send-event', file, '--state-file', stack.stateFile], { cwd: ROOT });
  return stdout;
}

/** `./hookline receiver` on `port`: {url, output(), stop()}; resolves once it listens. */
export async function startReceiver(port, secret, status = 204) {
  const child = start(['receiver', '--port', String(port), '--secret', secret, '--status', String(status)]);
  await eventually(`the receiver on port ${port}`, () => {
    if (child.exitCode !== null) throw new Error(`./hookline receiver exited:\n${child.output}`);
    return child.output.includes('Receiving webhooks on');
  }, 120);
  return { url: `http://127.0.0.1:${port}/hook`, output: () => child.output, stop: () => stop(child) };
}

export async function launchBrowser() {
  mkdirSync(OUTPUT, { recursive: true });
  // Playwright's own browser download cannot be reached here: Debian's Chromium is driven instead.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/**
 * A fresh page (its own session storage) that fails the test on any script error, CSP violation or dialog:
 * an alert() would mean injected markup ran.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer; the API's refusals are expected in some tests, and shown by the page.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      page.problems.push(`console: ${message.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    page.problems.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
    dialog.dismiss();
  });
  return page;
}

export function screenshot(page, name) {
  return page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

/** Calls the API as a script would, e.g. to set up data a test only looks at. */
export async function api(stack, method, route, body) {
  const response = await fetch(`${stack.apiUrl}${route}`, {
    method,
    headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
