// Screenshots of issue 23's points 1 and 9, before and after (docs/screenshots/issue23/):
// a case with tests/fixtures/issue23 (a multi-line PoolTimeoutError stack trace, a
// 50 KB line, a 20 KB attribute, ANSI, control, bidi, zero-width, emoji and CJK text)
// and the hostile payloads of tests/hostile/payloads.json as pino lines, loaded by the
// real CLI; the real window under Xvfb at 1600×1000, driven through tauri-driver.
//   point1-PHASE.png         the Logs view of the checkout service, the stack trace and
//                            the 50 KB line expanded
//   point9-PHASE.png         the same view further down: ANSI, control, bidi, zero-width,
//                            emoji and CJK lines, the bidi and the 20 KB-attribute lines expanded
//   point9-trace-PHASE.png   the checkout trace: span names and the span details
//   point9-hostile-PHASE.png the Logs view on the payloads' control/bidi/ANSI lines
//
// usage: node tests/e2e/issue23-shots.mjs PHASE [OUT_DIR]   (under xvfb-run -s "-screen 0 1600x1000x24";
//        after `make app`; PHASE is `before` or `after`; OUT_DIR defaults to docs/screenshots/issue23)

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, openWindow, settled, showView, startDriver, typeInSearch, weft, saveScreenshot } from './harness.mjs';

const [phase, out = join(ROOT, 'docs/screenshots/issue23')] = process.argv.slice(2);
if (phase !== 'before' && phase !== 'after') {
  console.error('usage: node tests/e2e/issue23-shots.mjs before|after [OUT_DIR]');
  process.exit(2);
}
const outDir = resolve(out);
mkdirSync(outDir, { recursive: true });

const PAYLOADS = JSON.parse(readFileSync(join(ROOT, 'tests/hostile/payloads.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'weft-issue23-shots-'));
const casePath = join(tmp, 'issue23.weft');
const hostile = join(tmp, 'hostile.log');
writeFileSync(
  hostile,
  PAYLOADS.map((payload, n) =>
    JSON.stringify({ level: 40, time: 1_793_700_000_000 + n, pid: 1, name: 'hostile', msg: payload, payload }),
  ).join('\n') + '\n',
);
weft(casePath, 'ingest', join(ROOT, 'tests/fixtures/issue23'), hostile);

const driver = await startDriver({ WEFT_CASE: casePath });
const browser = await openWindow(driver);
const $ = (testid) => browser.$(`[data-testid="${testid}"]`);

async function painted() {
  await settled(browser, 15_000);
  await browser.pause(400);
}

async function shot(name) {
  const file = join(outDir, `${name}-${phase}.png`);
  await saveScreenshot(browser, file);
  console.log(`wrote ${file}`);
}

/** Expands the first log row whose body starts with `start` and scrolls it to the top. */
async function expand(start) {
  const clicked = await browser.execute((prefix) => {
    for (const row of document.querySelectorAll('[data-testid="log-row"]')) {
      const body = row.querySelector('[data-testid="log-body"]');
      if (body && body.textContent.startsWith(prefix)) {
        row.querySelector('[data-testid="log-expand"]').click();
        return true;
      }
    }
    return false;
  }, start);
  if (!clicked) throw new Error(`no log row starts with ${start}`);
  await painted();
}

/** Scrolls the log rows so that the row whose body starts with `start` is at the top. */
async function scrollTo(start) {
  await browser.execute((prefix) => {
    const rows = document.querySelector('[data-testid="log-rows"]');
    for (const row of document.querySelectorAll('[data-testid="log-row"]')) {
      const body = row.querySelector('[data-testid="log-body"]');
      if (body && body.textContent.startsWith(prefix)) {
        rows.scrollTop += row.getBoundingClientRect().top - rows.getBoundingClientRect().top;
        return;
      }
    }
  }, start);
  await painted();
}

try {
  await browser.setWindowSize(1600, 1000).catch(() => {});
  await painted();
  await $('theme-light').click();

  await showView(browser, 'logs');
  await typeInSearch(browser, 'service:checkout');
  await painted();
  await expand('PoolTimeoutError');
  await expand('cart payload rejected');
  await scrollTo('checkout started');
  await shot('point1');

  await expand('PoolTimeoutError');
  await expand('cart payload rejected');
  await expand('uploaded attachment');
  await expand('session token attached');
  await scrollTo('session token attached');
  await shot('point9');

  await typeInSearch(browser, 'service:hostile');
  await painted();
  await browser.execute(() => {
    const rows = document.querySelector('[data-testid="log-rows"]');
    rows.scrollTop = rows.scrollHeight;
  });
  await painted();
  await shot('point9-hostile');

  await typeInSearch(browser, '');
  await painted();
  await showView(browser, 'traces');
  await painted();
  await browser.$('[data-testid="trace-row"] td').click();
  await $('waterfall').waitForExist({ timeout: 5000 });
  await painted();
  await browser.$('[data-testid="span-row"]').click();
  await painted();
  await shot('point9-trace');
} finally {
  await browser.deleteSession().catch(() => {});
  await driver.stop();
  rmSync(tmp, { recursive: true, force: true });
}
