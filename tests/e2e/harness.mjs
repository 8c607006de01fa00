// What the e2e tests stand on: paths of the built binaries, the real `weft` CLI
// to make a case, tauri-driver on free ports, and a window opened through it
// (tauri-driver starts weft-app itself, with the driver's environment), and what
// the tests do with a window again and again (`windowOn`, `settled`, `waitForRows`,
// `logBodies`).
// Assumes `make app` has built target/debug/{weft,weft-app} with the UI embedded.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR
  ? resolve(ROOT, process.env.CARGO_TARGET_DIR)
  : join(ROOT, 'target');
// WEFT_BIN / APP_BIN name other builds (scripts/measure-app.mjs uses the release ones).
export const WEFT = process.env.WEFT_BIN ? resolve(process.env.WEFT_BIN) : join(TARGET, 'debug', 'weft');
export const APP = process.env.APP_BIN ? resolve(process.env.APP_BIN) : join(TARGET, 'debug', 'weft-app');
export const SHOTS = join(TARGET, 'e2e');
/** The app's config folder for the tests (recent cases), so a run leaves the user's alone. */
const CONFIG_HOME = mkdtempSync(join(tmpdir(), 'weft-e2e-config-'));
/** The webview's data folder (localStorage: the theme and time settings), so the user's choices reach no test. */
const DATA_HOME = mkdtempSync(join(tmpdir(), 'weft-e2e-data-'));

for (const binary of [WEFT, APP]) {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`make app\` first`);
}

/** Whether this machine has a GPU render node (/dev/dri/renderD*), as src-tauri/src/compositing.rs looks. */
export function hasRenderNode() {
  return existsSync('/dev/dri') && readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
}

/**
 * The WebKit compositing mode a window started from this environment gets, in words
 * (for the measurement scripts' headers): the user's WEBKIT_DISABLE_COMPOSITING_MODE
 * if set, else the app's choice (src-tauri/src/compositing.rs).
 */
export function compositingMode(env = process.env) {
  const value = env.WEBKIT_DISABLE_COMPOSITING_MODE;
  if (value !== undefined) return `compositing ${value === '0' ? 'on' : 'off'} (WEBKIT_DISABLE_COMPOSITING_MODE=${value})`;
  return hasRenderNode() ? 'compositing on (the app\'s default: a GPU render node)' : 'compositing off (the app\'s default: no GPU render node)';
}

/** Runs the real CLI on `casePath` and returns its stdout. */
export function weft(casePath, ...args) {
  return execFileSync(WEFT, ['--case', casePath, ...args], { cwd: ROOT, encoding: 'utf8' });
}

/** Runs the CLI with `--json` and parses what it prints. */
export function weftJson(casePath, ...args) {
  return JSON.parse(weft(casePath, '--json', ...args));
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolveAccepts) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolveAccepts(true);
    });
    socket.once('error', () => resolveAccepts(false));
  });
}

function tauriDriverPath() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
  const installed = join(cargoHome, 'bin', 'tauri-driver');
  return existsSync(installed) ? installed : 'tauri-driver';
}

/**
 * Starts tauri-driver with `env` (the app inherits it) and waits until it listens.
 * Returns its port and a `stop()`. The driver runs in a process group of its own
 * (WebKitWebDriver and the app join it), and `stop()` ends that group: an app
 * whose session did not close it would otherwise outlive the test and hold the
 * test runner's output pipe open.
 */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(
    tauriDriverPath(),
    ['--port', String(port), '--native-port', String(nativePort)],
    {
      env: { ...process.env, XDG_CONFIG_HOME: CONFIG_HOME, XDG_DATA_HOME: DATA_HOME, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  let exited = null;
  driver.once('exit', (code) => (exited = code ?? 'signal'));
  driver.once('error', (error) => (exited = error.message));
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (exited !== null) throw new Error(`tauri-driver exited early: ${exited}`);
    if (Date.now() > deadline) throw new Error('tauri-driver did not listen within 20 s');
    await new Promise((wake) => setTimeout(wake, 100));
  }
  return {
    port,
    stop: () =>
      new Promise((resolveStop) => {
        const group = () => {
          try {
            process.kill(-driver.pid, 'SIGTERM');
          } catch {
            // The group is already gone.
          }
        };
        if (exited !== null) {
          group();
          return resolveStop();
        }
        driver.once('exit', () => {
          group();
          resolveStop();
        });
        group();
      }),
  };
}

/**
 * Starts weft-app with `args` through `driver` (one WebDriver session: tauri-driver
 * serves one at a time) and waits until the page says it has loaded or failed.
 */
export async function openWindow(driver, args = []) {
  const session = await remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'silent',
    capabilities: {
      'tauri:options': { application: APP, args },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  const app = session.$('[data-testid="app"]');
  await app.waitForExist({ timeout: 20_000 });
  await session.waitUntil(
    async () =>
      (await app.getAttribute('data-ready')) === 'true' ||
      (await session.$('[data-testid="error"]').isExisting()),
    { timeout: 20_000, timeoutMsg: 'the window never finished loading' },
  );
  return session;
}

const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

/**
 * Drops `paths` on the app window with a real X drag: a GTK drag source window
 * (drag_source.py) beside the app offers them as text/uri-list, and xdotool drags
 * from its button to the middle of the app window in steps (see TESTING.md).
 * `beforeDrop` runs while the files hover over the window, before the button is let go.
 */
export async function osDrag(browser, paths, { beforeDrop } = {}) {
  const rect = await browser.getWindowRect();
  const sourceX = Math.min(rect.x + rect.width + 20, 1280);
  const source = spawn('/usr/bin/python3', [join(ROOT, 'tests', 'e2e', 'drag_source.py'), String(sourceX), '40', ...paths], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolveExit) => source.once('exit', resolveExit));
  const ready = await new Promise((resolveReady, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('the drag source did not start')), 10_000);
    source.stdout.on('data', (chunk) => {
      text += chunk;
      const match = text.match(/ready (\d+) (\d+)/);
      if (match) {
        clearTimeout(timer);
        resolveReady([Number(match[1]), Number(match[2])]);
      }
    });
  });
  const xdotool = (...args) => execFileSync('xdotool', args.map(String));
  const [fromX, fromY] = ready;
  const toX = rect.x + Math.round(rect.width / 2);
  const toY = rect.y + Math.round(rect.height / 2);
  xdotool('mousemove', fromX, fromY);
  await sleep(100);
  xdotool('mousedown', 1);
  const steps = 12;
  for (let step = 1; step <= steps; step++) {
    await sleep(90);
    xdotool('mousemove', Math.round(fromX + ((toX - fromX) * step) / steps), Math.round(fromY + ((toY - fromY) * step) / steps));
  }
  await sleep(150);
  xdotool('mousemove', toX + 3, toY + 3);
  await sleep(150);
  if (beforeDrop) await beforeDrop();
  xdotool('mouseup', 1);
  await Promise.race([exited, sleep(5_000)]);
  if (source.exitCode === null) source.kill();
}

/**
 * One window on the case at `casePath` for the tests of the `describe` this is
 * called in: `before` them (after `beforeOpen`, if given) starts tauri-driver with
 * `WEFT_CASE=casePath` and `env`, and the window; `after` them closes both. The
 * returned object's `browser` is the session once `before` has run; `$`/`$$` find
 * elements by test id.
 */
export function windowOn(casePath, { env = {}, beforeOpen } = {}) {
  const window = {
    driver: null,
    browser: null,
    $: (testid) => window.browser.$(`[data-testid="${testid}"]`),
    $$: (testid) => window.browser.$$(`[data-testid="${testid}"]`),
  };
  before(async () => {
    if (beforeOpen) await beforeOpen();
    window.driver = await startDriver({ WEFT_CASE: casePath, ...env });
    window.browser = await openWindow(window.driver);
  });
  after(async () => {
    await window.browser?.deleteSession().catch(() => {});
    await window.driver?.stop();
  });
  return window;
}

/**
 * Saves a PNG of the window's page to `file` (the screenshots are review artifacts in
 * target/e2e/, not assertions). Every test and script that saves one goes through here.
 *
 * WebKitWebDriver takes the screenshot after the page's next paint. Without compositing
 * (the app's mode where there is no GPU render node: src-tauri/src/compositing.rs) a page
 * with nothing left to repaint never paints again, so a bare `saveScreenshot` never
 * returns: seen on the error page, and with the focus on a button after the palette
 * (no caret blinking), while pages with a blinking caret returned. So while the
 * screenshot is taken, a requestAnimationFrame loop repaints one pixel at 1 % opacity
 * (invisible in the picture); the pixel goes afterwards.
 */
export async function saveScreenshot(browser, file) {
  await browser.execute(() => {
    const dot = document.createElement('div');
    dot.id = 'e2e-repaint';
    dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
    document.body.append(dot);
    let frame = 0;
    const repaint = () => {
      dot.style.backgroundColor = frame++ % 2 ? 'rgba(0, 0, 0, 0.01)' : 'rgba(0, 0, 0, 0.02)';
      window.__e2eRepaint = requestAnimationFrame(repaint);
    };
    repaint();
  });
  try {
    await browser.saveScreenshot(file);
  } finally {
    await browser.execute(() => {
      cancelAnimationFrame(window.__e2eRepaint);
      document.getElementById('e2e-repaint')?.remove();
    });
  }
}

/** Waits until the window has answered everything it asked for (lists and log view loaded). */
export async function settled(browser, timeout = 10_000) {
  await browser.waitUntil(
    () =>
      browser.execute(
        () =>
          document.querySelector('[data-testid="app"]').getAttribute('data-ready') === 'true' &&
          document.querySelector('[data-testid="log-view"]')?.getAttribute('data-loading') !== 'true',
      ),
    { timeout, timeoutMsg: 'the window did not settle' },
  );
}

/**
 * Waits until `enough(n)` holds for the number `n` of elements with test id `testid`
 * (default: there is one).
 */
export async function waitForRows(browser, testid, enough = (count) => count > 0, { timeout = 20_000, timeoutMsg } = {}) {
  await browser.waitUntil(async () => enough((await browser.$$(`[data-testid="${testid}"]`)).length), {
    timeout,
    timeoutMsg: timeoutMsg ?? `the ${testid} elements never came`,
  });
}

/**
 * Runs `use(session)` on a window of its own: tauri-driver with `env`, weft-app with
 * `args`; closes both afterwards, also when `use` throws.
 */
export async function withWindow(env, args, use) {
  const driver = await startDriver(env);
  try {
    const session = await openWindow(driver, args);
    try {
      return await use(session);
    } finally {
      await session.deleteSession();
    }
  } finally {
    await driver.stop();
  }
}

/** The text of every log body the log view shows, top to bottom. */
/** Puts `text` into the search box and runs it (as typing and Enter do). */
export async function typeInSearch(browser, text) {
  await browser.execute((value) => {
    const input = document.querySelector('[data-testid="search-input"]');
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await browser.$('[data-testid="search-run"]').click();
}

export function logBodies(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="log-body"]')].map((node) => node.textContent),
  );
}

/**
 * Shows `view` of the rail ('traces', 'logs' or 'case'): only the view shown is in
 * the DOM (the Case view holds the counts, loads and sources).
 */
export async function showView(browser, view) {
  await browser.$(`[data-testid="rail-${view}"]`).click();
  await browser.waitUntil(
    async () => (await browser.$('[data-testid="app"]').getAttribute('data-view')) === view,
    { timeout: 5000, timeoutMsg: `the ${view} view did not show` },
  );
}
