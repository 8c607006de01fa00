// Issue 23, point 3: the trace scatter and the log histogram of a case whose data spans
// 2012–2026 (scripts/multi-year-case.sh), in the real app under Xvfb at 1600×1000.
// Run before and after the change: `before` writes point3-before-*.png, `after`
// point3-after-*.png into docs/screenshots/issue23/.
//
// usage: node tests/e2e/axes-screenshots.mjs CASE before|after   (under xvfb-run; after `make app`)

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, openWindow, settled, showView, startDriver, saveScreenshot } from './harness.mjs';

const [caseArg, when] = process.argv.slice(2);
if (!caseArg || !['before', 'after'].includes(when)) {
  console.error('usage: node tests/e2e/axes-screenshots.mjs CASE before|after');
  process.exit(2);
}
const casePath = resolve(caseArg);
const outDir = join(ROOT, 'docs', 'screenshots', 'issue23');
mkdirSync(outDir, { recursive: true });

const driver = await startDriver({ WEFT_CASE: casePath });
const browser = await openWindow(driver);

async function shot(name) {
  await settled(browser, 15_000);
  await browser.pause(400);
  const file = join(outDir, `point3-${when}-${name}.png`);
  await saveScreenshot(browser, file);
  console.log(`wrote ${file}`);
}

try {
  await browser.setWindowSize(1600, 1000).catch(() => {});
  await showView(browser, 'traces');
  await browser.$('[data-testid="trace-scatter"]').waitForExist({ timeout: 15_000 });
  await shot('traces');
  await showView(browser, 'logs');
  await browser.$('[data-testid="log-histogram"]').waitForExist({ timeout: 15_000 });
  await shot('logs');
} finally {
  await browser.deleteSession().catch(() => {});
  await driver.stop();
}
