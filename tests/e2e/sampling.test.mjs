// What a tail sampling policy would have kept (issue 17) in the real window: the
// sampling panel, opened from the command palette on the demo case, shows the kept
// share of the seed's policy as `weft sample --json` gives it; a policy that keeps
// only 5 % lists the errors and slow traces it loses, and one opens its trace; a bad
// policy type is an error naming its YAML line.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { ROOT, settled, weft, weftJson, windowOn } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-sampling-'));
const demoCase = join(tmp, 'demo.weft');
const SEED = join(ROOT, 'tests/fixtures/sampling/seed-policy.yaml');
const FIVE_PERCENT = `policies:
  - name: some
    type: probabilistic
    probabilistic:
      sampling_percentage: 5
`;

before(() => {
  weft(demoCase, 'ingest', 'tests/fixtures/demo');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the sampling panel on the demo case', () => {
  const app = windowOn(demoCase);
  const { $, $$ } = app;

  async function setConfig(text) {
    // The text box's value set as typing would (Svelte's bind:value listens to input).
    await app.browser.execute((value) => {
      const box = document.querySelector('[data-testid="sampling-config"]');
      box.value = value;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
  }

  /** Runs the simulation; callers wait for what the new answer shows. */
  async function simulate() {
    await $('sampling-run').click();
    await app.browser.waitUntil(async () => (await $('sampling-run').getText()) === 'Simulate', {
      timeout: 20_000,
      timeoutMsg: 'the simulation did not finish',
    });
  }

  it('opens from the palette and shows the kept share of the seed policy', async () => {
    await settled(app.browser);
    await app.browser.keys([Key.Ctrl, 'k']);
    await $('palette').waitForExist({ timeout: 3000 });
    await app.browser.keys([...'tail sampling']);
    await app.browser.waitUntil(async () => (await $('palette-item').getAttribute('data-action-id')) === 'sampling.open', {
      timeout: 3000,
      timeoutMsg: '"tail sampling" does not put the sampling action first',
    });
    await app.browser.keys([Key.Enter]);
    await $('sampling-panel').waitForExist({ timeout: 5000, timeoutMsg: 'no sampling panel' });
    // The panel starts from the seed's policy, the same as the fixture's.
    assert.match(await $('sampling-config').getValue(), /sampling_percentage: 5/);
    await setConfig(readFileSync(SEED, 'utf8'));
    await simulate();
    await $('sampling-kept').waitForExist({ timeout: 10_000 });
    const report = weftJson(demoCase, 'sample', '--policy', SEED);
    assert.equal(Number(await $('sampling-kept').getAttribute('data-kept')), report.kept);
    assert.equal(Number(await $('sampling-kept').getAttribute('data-traces')), report.traces);
    const percent = ((100 * report.kept) / report.traces).toFixed(1);
    assert.equal(await $('sampling-kept').getText(), `Keeps ${report.kept} of ${report.traces} traces (${percent} %)`);
    assert.equal((await $$('sampling-policy')).length, report.policies.length);
    // The seed keeps every error and slow trace of the demo: none lost.
    assert.equal(report.kept_errors, report.errors);
    await $('sampling-none-lost').waitForExist({ timeout: 3000 });
  });

  it('lists the errors and slow traces a 5 % policy loses, and opens one', async () => {
    await setConfig(FIVE_PERCENT);
    await simulate();
    await $('sampling-lost-count').waitForExist({ timeout: 10_000, timeoutMsg: 'no lost traces listed' });
    const policy = join(tmp, 'five.yaml');
    writeFileSync(policy, FIVE_PERCENT);
    const kept = new Set(weft(demoCase, 'sample', '--policy', policy, '--ids').split('\n').filter(Boolean));
    const traces = weftJson(demoCase, 'traces', '--limit', '0');
    const lost = traces.filter((t) => !kept.has(t.trace_id) && (t.errors > 0 || Math.trunc(t.duration_ns / 1e6) >= 1000));
    assert.ok(lost.length > 0);
    assert.equal(Number(await $('sampling-lost-count').getAttribute('data-lost')), lost.length);
    const listed = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="sampling-lost"]')].map((b) => b.getAttribute('data-trace-id')),
    );
    assert.deepEqual(new Set(listed), new Set(lost.map((t) => t.trace_id)));
    // Errors are listed first.
    const firstError = lost.find((t) => t.errors > 0);
    if (firstError) assert.ok(lost.find((t) => t.trace_id === listed[0]).errors > 0);
    await $('sampling-lost').click();
    await app.browser.waitUntil(
      async () =>
        (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === listed[0],
      { timeout: 10_000, timeoutMsg: `the lost trace ${listed[0]} did not open` },
    );
  });

  it('names the YAML line of a bad policy type', async () => {
    await app.browser.keys([Key.Ctrl, 'k']);
    await $('palette').waitForExist({ timeout: 3000 });
    await app.browser.keys([...'tail sampling']);
    await app.browser.keys([Key.Enter]);
    await $('sampling-panel').waitForExist({ timeout: 5000 });
    await setConfig('policies:\n  - name: x\n    type: sometimes\n');
    await simulate();
    await app.browser.waitUntil(async () => /line 3: unknown or unsupported policy type `sometimes`/.test(await $('sampling-panel').getText()), {
      timeout: 5000,
      timeoutMsg: 'no error naming line 3',
    });
  });
});
