// `make screenshots`: the real app under Xvfb on the demo case (`make demo`),
// driven through tauri-driver like the e2e tests, writes PNGs of the main views
// into docs/screenshots/, in the light theme and again in the dark one (`-dark`):
// the trace list, a failing trace's waterfall with the span details and the logs
// pane of a span, that logs pane with a line expanded, and the Logs view with its
// histogram and facets; then the command palette.
//
// usage: node tests/e2e/screenshots.mjs CASE OUT_DIR   (under xvfb-run; after `make app`)

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Key } from 'webdriverio';
import { openWindow, settled, startDriver, weftJson, saveScreenshot } from './harness.mjs';

const [casePath, outDir] = process.argv.slice(2).map((arg) => resolve(arg));
if (!casePath || !outDir) {
  console.error('usage: node tests/e2e/screenshots.mjs CASE OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const driver = await startDriver({ WEFT_CASE: casePath });
const browser = await openWindow(driver);
const $ = (testid) => browser.$(`[data-testid="${testid}"]`);

/** The window has answered everything and had time to paint it. */
async function painted() {
  await settled(browser, 15_000);
  await browser.pause(300);
}

async function shot(name) {
  const file = join(outDir, name);
  await saveScreenshot(browser, file);
  console.log(`wrote ${file}`);
}

/** Every picture in the theme `theme` (its file names end in `suffix`). */
async function views(theme, suffix) {
  await $(`theme-${theme}`).click();
  await $('rail-traces').click();
  await painted();
  await shot(`trace-list${suffix}.png`);

  // The failing checkout: the trace with the most error spans, and a span of it with logs.
  const [failing] = weftJson(casePath, 'traces', '--sort', 'errors', '--limit', '1');
  const trace = weftJson(casePath, 'trace', failing.trace_id);
  await browser.$(`[data-testid="trace-row"][data-trace-id="${failing.trace_id}"] td`).click();
  await $('waterfall').waitForExist({ timeout: 5000 });
  await painted();
  const erring = trace.spans.filter((span) => span.logs.length > 0 && span.status === 'error');
  const withLogs = erring.at(-1) ?? trace.spans.find((span) => span.logs.length > 0);
  if (withLogs) {
    await browser.$(`[data-testid="span-row"][data-span-id="${withLogs.span_id}"]`).click();
    await painted();
  }
  await shot(`waterfall-with-logs${suffix}.png`);
  // The logs pane with its first line expanded.
  await browser.$('[data-testid="logs-pane"] [data-testid="log-expand"]').click();
  await painted();
  await shot(`trace-with-logs-pane${suffix}.png`);

  await $('waterfall-close').click();
  await painted();
  await $('rail-logs').click();
  await $('log-view').waitForExist({ timeout: 5000 });
  await painted();
  await shot(`log-view${suffix}.png`);
}

try {
  await browser.setWindowSize(1600, 1000).catch(() => {});
  await painted();
  await views('light', '');
  await views('dark', '-dark');
  // The command palette, over the trace list.
  await $('rail-traces').click();
  await painted();
  await browser.keys([Key.Ctrl, 'k']);
  await $('palette').waitForExist({ timeout: 3000 });
  await browser.keys([...'time']);
  await browser.pause(300);
  await shot('palette.png');
} finally {
  await browser.deleteSession().catch(() => {});
  await driver.stop();
}
