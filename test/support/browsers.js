// The three browser engines the tests run in, from Debian's packages: where each is, how it starts, and what to
// install when it is missing. Plain JavaScript, so web-test-runner's config and the TypeScript e2e tests share it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { freePort, stopChild, track } from './children.js';

/** @typedef {'chromium' | 'firefox' | 'webkit'} Engine */

/** @type {readonly Engine[]} */
const allEngines = ['chromium', 'firefox', 'webkit'];

/** How long a browser or its driver may take to start before the run fails. */
const START_TIMEOUT_MS = 30_000;

/**
 * The engines this run tests: all three, or those named in `BROWSERS` (comma-separated) for a quicker local run.
 * @returns {Engine[]}
 */
export function selectedEngines(env = process.env) {
  if (!env.BROWSERS) return [...allEngines];
  const named = env.BROWSERS.split(',').map((name) => name.trim());
  const unknown = named.filter((name) => !allEngines.includes(/** @type {Engine} */ (name)));
  if (unknown.length > 0) throw new Error(`BROWSERS names ${unknown.join(', ')}; choose from ${allEngines.join(', ')}`);
  return /** @type {Engine[]} */ (named);
}

export const paths = {
  chromium: process.env.CHROME_PATH || '/usr/bin/chromium',
  firefox: process.env.FIREFOX_PATH || '/usr/bin/firefox-esr',
  webkitDriver: process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver',
  miniBrowser: process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  xvfb: process.env.XVFB_PATH || '/usr/bin/Xvfb',
};

/** What each engine needs on disk, with the Debian package that provides it. */
const needs = {
  chromium: [{ path: paths.chromium, variable: 'CHROME_PATH', debian: 'chromium' }],
  firefox: [{ path: paths.firefox, variable: 'FIREFOX_PATH', debian: 'firefox-esr' }],
  webkit: [
    { path: paths.webkitDriver, variable: 'WEBKIT_DRIVER_PATH', debian: 'webkit2gtk-driver' },
    { path: paths.miniBrowser, variable: 'MINIBROWSER_PATH', debian: 'webkit2gtk-driver' },
    { path: paths.xvfb, variable: 'XVFB_PATH', debian: 'xvfb' },
  ],
};

/**
 * Fails with the exact install command when an engine's browser is not there, instead of a launch error.
 * @param {Engine} engine
 */
export function assertInstalled(engine) {
  const missing = needs[engine].filter(({ path }) => !existsSync(path));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(({ debian }) => debian))].join(' ');
  throw new Error(
    `${engine}: ${missing.map(({ path, variable }) => `no ${path} (set ${variable})`).join(', ')}. ` +
      `Install it with \`apt-get install ${packages}\`, or run only the others with BROWSERS=…`,
  );
}

/*
 * Every engine reads and formats as American English, whatever the machine's locale: prices and messages that tests
 * compare come out the same everywhere.
 */

/** Chromium as root in a container: no sandbox, no GPU, and nothing that reaches the network on its own. */
export const chromiumArgs = [
  '--lang=en-US',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const firefoxPrefs = { 'intl.accept_languages': 'en-US', 'intl.locale.requested': 'en-US' };

/**
 * WebDriver capabilities for WebKitGTK's MiniBrowser. WebKitWebDriver speaks WebDriver classic only, so webdriverio
 * must not try BiDi. `args` are MiniBrowser's WebKitSettings switches, e.g. `--enable-javascript=false`.
 * @param {string[]} args
 */
export function webkitCapabilities(args = []) {
  return {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': { binary: paths.miniBrowser, args: ['--automation', ...args] },
  };
}

/**
 * Xvfb on a display it picks itself (`-displayfd`) and WebKitWebDriver on a free port, for MiniBrowser, which needs
 * a display. `stop()` ends both; they are also killed if this process exits first.
 * @returns {Promise<{ port: number, stop(): Promise<void> }>}
 */
export async function startWebKitDriver() {
  assertInstalled('webkit');
  const stops = [];
  const stop = async () => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne();
  };
  try {
    const xvfb = spawnTracked(paths.xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    stops.push(() => stopChild(xvfb));
    const display = await firstLine(/** @type {import('node:stream').Readable} */ (xvfb.stdio[3]), xvfb, 'Xvfb');

    const port = await freePort();
    const driver = spawnTracked(paths.webkitDriver, [`--port=${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // MiniBrowser takes its languages from these; under the C locale it would report "C".
      env: { ...process.env, DISPLAY: `:${display}`, LANG: 'en_US.UTF-8', LANGUAGE: 'en_US' },
    });
    stops.push(() => stopChild(driver));
    await waitForDriver(port, driver);
    return { port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} options
 */
function spawnTracked(command, args, options) {
  const child = track(spawn(command, args, options));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  Object.defineProperty(child, 'recentStderr', { get: () => stderr });
  return child;
}

/**
 * @param {import('node:stream').Readable} stream
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} name
 * @returns {Promise<string>}
 */
async function firstLine(stream, child, name) {
  let text = '';
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${name} exited with code ${code}: ${Reflect.get(child, 'recentStderr')}`);
  });
  const line = new Promise((resolve) => {
    stream.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
  });
  return withTimeout(Promise.race([line, exited]), `${name} did not start`);
}

/**
 * @param {number} port
 * @param {import('node:child_process').ChildProcess} driver
 */
async function waitForDriver(port, driver) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null)
      throw new Error(`WebKitWebDriver exited with code ${driver.exitCode}: ${Reflect.get(driver, 'recentStderr')}`);
    const ready = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`WebKitWebDriver did not answer on port ${port} within ${START_TIMEOUT_MS} ms`);
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {string} message
 * @returns {Promise<T>}
 */
function withTimeout(promise, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
