// The workbench of the real window (issue 14): traces open as tabs, Back/Forward
// through what was opened and searched, and weft:// links — copied from where a
// place is shown, pasted into the search box, or given on the command line — that
// open their place. On a case made from the demo incident; ids come from the CLI.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, settled, typeInSearch, waitForRows, weft, weftJson, windowOn, withWindow, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-workbench-'));
const casePath = join(tmp, 'demo.weft');
let traces = [];

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', 'tests/fixtures/demo');
  traces = weftJson(casePath, 'traces', '--limit', '3');
  assert.equal(traces.length, 3, 'the demo has traces');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A span of `traceId` that is not its root (so opening at it is not opening the trace). */
function childSpan(traceId) {
  const trace = weftJson(casePath, 'trace', traceId);
  return trace.spans.find((span) => span.parent_span_id) ?? trace.spans[0];
}

const traceShown = (browser) => browser.$('[data-testid="waterfall"]').getAttribute('data-trace-id');

async function waitForTrace(browser, traceId) {
  await browser.waitUntil(
    async () => (await browser.$('[data-testid="waterfall"]').isExisting()) && (await traceShown(browser)) === traceId,
    { timeout: 10_000, timeoutMsg: `trace ${traceId} did not show` },
  );
  await settled(browser);
}

/** Clicks the first cell of a trace row, with Ctrl held when `newTab` (a click event as the browser makes it). */
async function clickTraceRow(browser, traceId, newTab = false) {
  const cell = `[data-testid="trace-row"][data-trace-id="${traceId}"] td`;
  if (!newTab) return browser.$(cell).click();
  await browser.execute((selector) => {
    document.querySelector(selector).dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: true, button: 0 }));
  }, cell);
}

describe('tabs, history and links in one window', () => {
  const app = windowOn(casePath);
  const { $, $$ } = app;

  it('opens two traces in tabs and switches between them', async () => {
    const [first, second] = traces;
    await clickTraceRow(app.browser, first.trace_id);
    await waitForTrace(app.browser, first.trace_id);
    assert.equal((await $$('trace-tab')).length, 1);
    // The logs pane below the waterfall shows that trace's logs.
    assert.match(await $('log-scope').getText(), new RegExp(first.trace_id));
    await $('tab-list').click();
    await waitForRows(app.browser, 'trace-row');
    await clickTraceRow(app.browser, second.trace_id, true);
    await waitForTrace(app.browser, second.trace_id);
    const tabIds = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-tab"]')].map((tab) => tab.getAttribute('data-trace-id')),
    );
    assert.deepEqual(tabIds, [first.trace_id, second.trace_id]);
    await app.browser.$(`[data-testid="trace-tab"][data-trace-id="${first.trace_id}"]`).click();
    await waitForTrace(app.browser, first.trace_id);
    assert.equal(
      await app.browser.$(`[data-testid="trace-tab"][data-trace-id="${first.trace_id}"]`).getAttribute('aria-selected'),
      'true',
    );
    assert.match(await $('log-scope').getText(), new RegExp(first.trace_id));
    await saveScreenshot(app.browser, join(SHOTS, 'workbench-tabs.png'));
  });

  it('goes back and forward (buttons and Alt+← / Alt+→)', async () => {
    const [first, second] = traces;
    // History: the list, the first trace, the list, the second (new tab), the first (tab).
    await $('history-back').click();
    await waitForTrace(app.browser, second.trace_id);
    await app.browser.keys(['Alt', 'ArrowRight']);
    await waitForTrace(app.browser, first.trace_id);
    await app.browser.keys(['Alt', 'ArrowLeft']);
    await waitForTrace(app.browser, second.trace_id);
    await $('history-back').click();
    await $('trace-list-pane').waitForExist({ timeout: 5000 });
    assert.equal(await $('tab-list').getAttribute('aria-selected'), 'true');
    await $('history-forward').click();
    await waitForTrace(app.browser, second.trace_id);
    assert.equal((await $$('trace-tab')).length, 2, 'moving through history opens no tabs');
  });

  it('opens a trace in a new tab on a real middle-click', async () => {
    const third = traces[2];
    await $('tab-list').click();
    await waitForRows(app.browser, 'trace-row');
    const row = app.browser.$(`[data-testid="trace-row"][data-trace-id="${third.trace_id}"] td`);
    // A pointer action: the window gets the real button events of a middle click.
    await app.browser.action('pointer').move({ origin: row }).down({ button: 1 }).up({ button: 1 }).perform();
    await waitForTrace(app.browser, third.trace_id);
    assert.equal((await $$('trace-tab')).length, 3, 'a middle-click opens a new tab');
    await $('history-back').click();
    await $('trace-list-pane').waitForExist({ timeout: 5000 });
  });

  it('copies the link of a span and opens it when pasted into the search box', async () => {
    const third = traces[2];
    const span = childSpan(third.trace_id);
    const link = `weft://trace/${third.trace_id}/span/${span.span_id}`;
    await typeInSearch(app.browser, link);
    await waitForTrace(app.browser, third.trace_id);
    await app.browser.waitUntil(
      async () => (await $('span-details').isExisting()) && (await $('span-details').getAttribute('data-span-id')) === span.span_id,
      { timeout: 5000, timeoutMsg: 'the span of the link is not selected' },
    );
    assert.equal(await $('span-copy-link').getAttribute('data-link'), link);
    assert.equal(await $('place-copy-link').getAttribute('data-link'), link);
    assert.equal(await $('log-scope').getAttribute('data-span-id'), span.span_id);
    // A bad link is explained, not searched.
    await typeInSearch(app.browser, 'weft://trace/xyz');
    assert.match(await $('link-error').getText(), /32 hex/);
  });

  it('opens a log line link in the Logs view with its context', async () => {
    const [log] = weftJson(casePath, 'logs', '--limit', '1');
    await typeInSearch(app.browser, `weft://log/${log.id}`);
    await $('log-context').waitForExist({ timeout: 10_000 });
    assert.equal(await $('app').getAttribute('data-view'), 'logs');
    assert.equal(await app.browser.$(`[data-testid="context-line"][data-log-id="${log.id}"]`).isExisting(), true);
  });
});

describe('a weft:// link on the command line', () => {
  it('opens its span', async () => {
    const trace = traces[1];
    const span = childSpan(trace.trace_id);
    const link = `weft://trace/${trace.trace_id}/span/${span.span_id}`;
    await withWindow({ WEFT_CASE: casePath }, [link], async (session) => {
      await waitForTrace(session, trace.trace_id);
      await session.waitUntil(
        async () =>
          (await session.$('[data-testid="span-details"]').isExisting()) &&
          (await session.$('[data-testid="span-details"]').getAttribute('data-span-id')) === span.span_id,
        { timeout: 10_000, timeoutMsg: 'the span of the link is not selected' },
      );
      assert.equal(await session.$('[data-testid="log-scope"]').getAttribute('data-span-id'), span.span_id);
    });
  });
});
