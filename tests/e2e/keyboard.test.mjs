// Every view of the window by keyboard alone (issue 14): WebDriver key actions only,
// no clicks, on a case the CLI made from the demo incident. After each step the test
// reads what is on screen: the focused element, the view shown, the trace of the
// waterfall, the span in the details pane.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { SHOTS, settled, weft, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-keyboard-'));
const casePath = join(tmp, 'demo.weft');

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', 'tests/fixtures/demo');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the window by keyboard alone', () => {
  const app = windowOn(casePath);
  const { $, $$ } = app;
  const browser = () => app.browser;

  /** The focused element: its test id, and the trace / span / log it stands for. */
  const focused = () =>
    browser().execute(() => {
      const node = document.activeElement;
      return {
        testid: node?.getAttribute('data-testid') ?? (node === document.body ? 'BODY' : node?.tagName ?? null),
        traceId: node?.getAttribute('data-trace-id') ?? null,
        inSources: Boolean(node?.closest('[data-testid="sources"]')),
        logId: node?.closest('[data-testid="log-row"]')?.getAttribute('data-log-id') ?? null,
      };
    });
  const view = () => $('app').getAttribute('data-view');
  const detailsSpan = async () => ((await $('span-details').isExisting()) ? $('span-details').getAttribute('data-span-id') : null);
  const rowIds = () =>
    browser().execute(() => [...document.querySelectorAll('[data-testid="span-row"]')].map((row) => row.getAttribute('data-span-id')));
  const press = (...keys) => browser().keys(keys);

  /** Presses Tab (at most `max` times) until `wanted(focused)` holds. */
  async function tabUntil(wanted, what, max = 80) {
    for (let step = 0; step <= max; step++) {
      const now = await focused();
      if (wanted(now)) return now;
      await press(Key.Tab);
    }
    assert.fail(`Tab never reached ${what}`);
  }

  async function waitFor(check, timeoutMsg) {
    await browser().waitUntil(check, { timeout: 10_000, timeoutMsg });
  }

  let traceId = null;
  /** The spans selected with Enter, in order. */
  const picked = [];

  it('reaches the trace list and opens a trace with Enter', async () => {
    await settled(browser());
    assert.equal(await view(), 'traces');
    const first = await tabUntil((now) => now.testid === 'trace-row', 'a trace row');
    // ↓ moves to the next row, ↑ back.
    await press(Key.ArrowDown);
    const second = await focused();
    assert.equal(second.testid, 'trace-row');
    assert.notEqual(second.traceId, first.traceId);
    await press(Key.ArrowUp);
    assert.equal((await focused()).traceId, first.traceId);
    traceId = first.traceId;
    await press(Key.Enter);
    await waitFor(
      async () => (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === traceId,
      'Enter on the row did not open its trace',
    );
    await settled(browser());
    assert.equal((await $$('trace-tab')).length, 1);
    // The row that had the focus is gone: the span tree has it, not <body>.
    await waitFor(async () => (await focused()).testid === 'span-tree', 'the focus did not go to the span tree');
  });

  it('moves through the spans with the arrows, the details following Enter; ← / → collapse and expand', async () => {
    const rows = await rowIds();
    assert.ok(rows.length >= 3, `the trace has spans to move through (${rows.length})`);
    await press(Key.Enter);
    await waitFor(async () => (await detailsSpan()) === rows[0], 'Enter did not show the root span');
    picked.push(rows[0]);
    await press(Key.ArrowDown);
    await press(Key.ArrowDown);
    await press(Key.Enter);
    await waitFor(async () => (await detailsSpan()) === rows[2], 'the details did not follow to the third span');
    picked.push(rows[2]);
    assert.equal(await $('log-scope').getAttribute('data-span-id'), rows[2]);
    // Up to the root and collapse it: the selected span is hidden, so its visible
    // ancestor (the root) is selected, and the focus stays in the tree.
    await press(Key.ArrowUp);
    await press(Key.ArrowUp);
    await press(Key.ArrowLeft);
    await waitFor(async () => (await rowIds()).length === 1, '← did not collapse the root');
    await waitFor(async () => (await detailsSpan()) === rows[0], 'the selection did not move to the visible ancestor');
    picked.push(rows[0]);
    await waitFor(async () => (await $('log-scope').getAttribute('data-span-id')) === rows[0], 'the logs did not follow');
    assert.equal((await focused()).testid, 'span-tree');
    await press(Key.ArrowRight);
    await waitFor(async () => (await rowIds()).length === rows.length, '→ did not expand the root');
    await press(Key.ArrowDown);
    await press(Key.Enter);
    await waitFor(async () => (await detailsSpan()) === rows[1], 'the details did not follow to the second span');
    picked.push(rows[1]);
    assert.equal(await $('span-row').getAttribute('aria-selected'), 'false');
    assert.equal(
      await browser().$(`[data-testid="span-row"][data-span-id="${rows[1]}"]`).getAttribute('aria-selected'),
      'true',
    );
    await settled(browser());
  });

  it('reaches the logs pane with Tab and expands a log row with Enter', async () => {
    const expand = await tabUntil((now) => now.testid === 'log-expand', 'a log row of the logs pane');
    assert.ok(expand.logId, 'the button belongs to a log row');
    const row = browser().$(`[data-testid="log-row"][data-log-id="${expand.logId}"]`);
    assert.equal(await row.$('[data-testid="log-attributes"]').isExisting(), false);
    await press(Key.Enter);
    await waitFor(() => row.$('[data-testid="log-attributes"]').isExisting(), 'Enter did not expand the log row');
    assert.equal((await focused()).testid, 'log-expand');
    await saveScreenshot(browser(), join(SHOTS, 'keyboard-log-expanded.png'));
  });

  it('switches views through the rail with Alt+2 / Alt+1 and Tab + Enter', async () => {
    await press(Key.Alt, '2');
    await waitFor(async () => (await view()) === 'logs', 'Alt+2 did not show the Logs view');
    await settled(browser());
    await waitFor(async () => !['BODY', null].includes((await focused()).testid), 'the focus was lost to <body>');
    // Shift+Tab back to the rail, then Enter on "Traces".
    for (let step = 0; step < 80 && (await focused()).testid !== 'rail-traces'; step++) {
      await press(Key.Shift, Key.Tab);
    }
    assert.equal((await focused()).testid, 'rail-traces');
    await press(Key.Enter);
    await waitFor(async () => (await view()) === 'traces', 'Enter on the rail did not show the Traces view');
    await waitFor(
      async () => (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === traceId,
      'the trace tab did not come back',
    );
    await settled(browser());
    // Alt+2 then Alt+1 again: the trace tab comes back with its selected span.
    await press(Key.Alt, '2');
    await waitFor(async () => (await view()) === 'logs', 'Alt+2 did not show the Logs view');
    await press(Key.Alt, '1');
    await waitFor(async () => (await view()) === 'traces', 'Alt+1 did not show the Traces view');
    await settled(browser());
    assert.equal(await detailsSpan(), picked.at(-1));
  });

  it('closes the trace tab with Ctrl+W, the focus going to the trace list', async () => {
    await tabUntil((now) => now.testid === 'span-tree', 'the span tree');
    await press(Key.Ctrl, 'w');
    await $('trace-list-pane').waitForExist({ timeout: 5000 });
    assert.equal((await $$('trace-tab')).length, 0);
    assert.equal(await $('tab-list').getAttribute('aria-selected'), 'true');
    await waitFor(async () => (await focused()).testid === 'trace-row', 'the focus did not go to the trace list');
  });

  it('goes back and forward with Alt+← / Alt+→', async () => {
    await press(Key.Alt, Key.ArrowLeft);
    await waitFor(
      async () => (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === traceId,
      'Alt+← did not reopen the trace',
    );
    await waitFor(async () => (await detailsSpan()) === picked.at(-2), 'Alt+← did not go to the span selected before');
    await waitFor(async () => (await focused()).testid === 'span-tree', 'the focus did not go to the span tree');
    await press(Key.Alt, Key.ArrowRight);
    await waitFor(async () => (await detailsSpan()) === picked.at(-1), 'Alt+→ did not come back to the last span');
    await settled(browser());
  });

  it('runs an action from the palette (Ctrl+K) and reaches the sources of the Case view', async () => {
    await press(Key.Ctrl, 'k');
    await $('palette').waitForExist({ timeout: 3000 });
    assert.equal((await focused()).testid, 'palette-input');
    await browser().keys([...'view case']);
    await waitFor(
      async () => (await $('palette-item').getAttribute('data-action-id')) === 'view.case',
      '"view case" does not put "View: Case" first',
    );
    await press(Key.Enter);
    await $('palette').waitForExist({ reverse: true, timeout: 3000 });
    await waitFor(async () => (await view()) === 'case', 'the palette did not show the Case view');
    await $('sources').waitForExist({ timeout: 5000 });
    assert.ok((await $$('source-row')).length > 0, 'the sources are listed');
    const inSources = await tabUntil((now) => now.inSources, 'the sources table');
    assert.ok(inSources.testid, 'a control of a source has the focus');
    await saveScreenshot(browser(), join(SHOTS, 'keyboard-case.png'));
  });
});
