// The sampling panel's "Load config…" and the trace list filtered to kept / dropped
// (issue 17) in the real window: the GTK file dialog the shell opens is driven with
// xdotool (the path typed into its location box); the seed's policy loaded from its
// file gives the kept share of `weft sample`; "Show … dropped traces" lists exactly
// the dropped traces in the trace list (`sampled:dropped`, as `weft traces` gives it
// from the case); a file that is not UTF-8 is refused naming its line; and a window
// opened again on the case shows the policy applied last.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { ROOT, settled, weft, weftJson, windowOn } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-sampling-file-'));
const demoCase = join(tmp, 'demo.weft');
const SEED = join(ROOT, 'tests/fixtures/sampling/seed-policy.yaml');
const latin1 = join(tmp, 'latin1.yaml');

before(() => {
  weft(demoCase, 'ingest', 'tests/fixtures/demo');
  writeFileSync(latin1, Buffer.concat([Buffer.from('policies:\n  - name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const DIALOG = 'Load a tail sampling policy';

function xdotool(...args) {
  const run = spawnSync('xdotool', args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `xdotool ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** Picks `path` in the shell's file dialog: waits for the dialog's window, gives it
 * the keyboard, opens its location box (Ctrl+L), types the path and presses Return
 * until `picked()` holds (a Return may only take the location box's completion). */
async function pickInDialog(browser, path, picked) {
  const window = xdotool('search', '--sync', '--onlyvisible', '--name', DIALOG).trim().split('\n')[0];
  // A dialog just mapped may not take keys yet (the first one builds GTK's file chooser).
  xdotool('sleep', '1');
  xdotool('windowfocus', '--sync', window);
  xdotool('key', '--delay', '150', 'ctrl+l');
  xdotool('type', '--delay', '20', path);
  for (let attempt = 0; attempt < 3; attempt++) {
    xdotool('key', '--delay', '300', 'Return');
    const done = await browser
      .waitUntil(picked, { timeout: 3000 })
      .then(() => true)
      .catch(() => false);
    if (done) return;
  }
  assert.fail(`the dialog did not pick ${path}`);
}

async function openPanel(app) {
  await app.browser.keys([Key.Ctrl, 'k']);
  await app.$('palette').waitForExist({ timeout: 3000 });
  await app.browser.keys([...'tail sampling']);
  await app.browser.keys([Key.Enter]);
  await app.$('sampling-panel').waitForExist({ timeout: 5000, timeoutMsg: 'no sampling panel' });
}

describe('loading a sampling policy from a file', () => {
  const app = windowOn(demoCase);
  const { $ } = app;

  it('loads the seed policy through the file dialog and shows its kept share', async () => {
    await settled(app.browser);
    await openPanel(app);
    await $('sampling-load').click();
    await pickInDialog(app.browser, SEED, async () => (await $('sampling-config').getValue()) === readFileSync(SEED, 'utf8'));
    assert.equal(await $('sampling-source').getText(), `from ${SEED}`);
    await app.browser.waitUntil(async () => (await $('sampling-kept').isExisting()) && (await $('sampling-run').getText()) === 'Simulate', {
      timeout: 20_000,
      timeoutMsg: 'the loaded policy was not simulated',
    });
    const report = weftJson(demoCase, 'sample', '--policy', SEED);
    assert.equal(Number(await $('sampling-kept').getAttribute('data-kept')), report.kept);
    assert.equal(Number(await $('sampling-kept').getAttribute('data-traces')), report.traces);
    const percent = ((100 * report.kept) / report.traces).toFixed(1);
    assert.equal(await $('sampling-kept').getText(), `Keeps ${report.kept} of ${report.traces} traces (${percent} %)`);
  });

  it('shows exactly the dropped traces in the trace list', async () => {
    const report = weftJson(demoCase, 'sample', '--policy', SEED);
    assert.equal(await $('sampling-show-dropped').getText(), `Show ${report.dropped} dropped traces`);
    await $('sampling-show-dropped').click();
    await app.browser.waitUntil(async () => (await $('search-input').getValue()) === 'sampled:dropped', {
      timeout: 5000,
      timeoutMsg: 'the search did not become sampled:dropped',
    });
    await settled(app.browser);
    const shown = $('traces-shown');
    assert.equal(await shown.getAttribute('data-complete'), 'true');
    assert.equal(Number(await shown.getAttribute('data-count')), report.dropped);
    // The window applied the simulation to the case: the CLI lists the same traces.
    const dropped = weftJson(demoCase, 'traces', '--limit', '0', 'sampled:dropped').map((t) => t.trace_id);
    assert.equal(dropped.length, report.dropped);
    const listed = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-row"]')].map((row) => row.getAttribute('data-trace-id')),
    );
    assert.deepEqual(new Set(listed), new Set(dropped));
    const kept = new Set(weft(demoCase, 'sample', '--policy', SEED, '--ids').split('\n').filter(Boolean));
    assert.ok(listed.every((id) => !kept.has(id)));
  });

  it('refuses a file that is not UTF-8, naming its line, and keeps the text', async () => {
    const before = await $('sampling-config').getValue();
    await $('sampling-load').click();
    await pickInDialog(app.browser, latin1, async () => /line 2: not UTF-8 \(byte offset 23\)/.test(await $('sampling-panel').getText()));
    assert.match(await $('sampling-panel').getText(), /latin1\.yaml/);
    assert.equal(await $('sampling-config').getValue(), before);
  });
});

describe('the case opened again', () => {
  const app = windowOn(demoCase);

  it('shows the policy applied last in the sampling panel', async () => {
    await settled(app.browser);
    await openPanel(app);
    await app.browser.waitUntil(async () => (await app.$('sampling-config').getValue()) === readFileSync(SEED, 'utf8'), {
      timeout: 5000,
      timeoutMsg: 'the applied policy did not come back',
    });
  });
});
