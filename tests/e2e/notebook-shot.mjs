// The screenshot of the Notebook view for issue 18 (docs/screenshots/notebook.png): the
// demo case with the demo incident's marks (scripts/demo-notebook.sh writes them with
// the real CLI), the real window under Xvfb at 1400×900, driven through tauri-driver.
//
// usage: node tests/e2e/notebook-shot.mjs CASE [OUT_FILE]   (under xvfb-run -s "-screen 0 1400x900x24";
//        after `make app` and scripts/demo-notebook.sh CASE; OUT_FILE defaults to docs/screenshots/notebook.png)

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT, openWindow, settled, showView, startDriver, weftJson, saveScreenshot } from './harness.mjs';

const [casePath, out = join(ROOT, 'docs/screenshots/notebook.png')] = process.argv.slice(2);
if (!casePath) {
  console.error('usage: node tests/e2e/notebook-shot.mjs CASE [OUT_FILE]');
  process.exit(2);
}
const marks = weftJson(resolve(casePath), 'marks').length;
if (marks === 0) throw new Error(`${casePath} has no marks: run scripts/demo-notebook.sh first`);

const driver = await startDriver({ WEFT_CASE: resolve(casePath) });
try {
  const browser = await openWindow(driver);
  await settled(browser, 15_000);
  await showView(browser, 'notebook');
  await browser.waitUntil(
    async () => Number(await browser.$('[data-testid="notebook-view"]').getAttribute('data-count')) === marks,
    { timeout: 10_000, timeoutMsg: 'the Notebook did not show the marks' },
  );
  await browser.pause(400);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  await saveScreenshot(browser, resolve(out));
  console.log(`wrote ${resolve(out)}`);
  await browser.deleteSession();
} finally {
  await driver.stop();
}
