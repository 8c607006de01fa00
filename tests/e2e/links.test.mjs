// How a log joins the traces, shown as it is (issue 23, points 2 and 4) in the real
// window, on a case made from the demo incident and checked against the CLI: the
// link-state counts of the Case view list their logs, each log row carries the badge
// of its state, a trace-linked log's chip opens its trace saying the span is not in
// the case, a trace id pasted into the search box (in other spellings too) opens
// that trace, and the trace list shows the ids.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { settled, showView, typeInSearch, waitForRows, weft, weftJson, windowOn } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-links-'));
const casePath = join(tmp, 'demo.weft');
let stats;

before(() => {
  weft(casePath, 'ingest', 'tests/fixtures/demo');
  stats = weftJson(casePath, 'stats');
  assert.ok(stats.logs_orphan > 0 && stats.logs_trace_linked > 0, 'the demo has orphans and a trace-linked log');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The link badges of the log rows on screen. */
const badges = (browser) =>
  browser.execute(() => [...document.querySelectorAll('[data-testid="log-link"]')].map((node) => node.dataset.link));

async function search(browser, text) {
  await typeInSearch(browser, text);
  await settled(browser);
}

describe('link states and trace ids in the window', () => {
  const app = windowOn(casePath);
  const { $, $$ } = app;

  it('lists the logs of a link state from its count, each with that state\'s badge', async () => {
    await showView(app.browser, 'case');
    for (const [state, key, count] of [
      ['orphan', 'logs-orphan', stats.logs_orphan],
      ['trace', 'logs-trace-linked', stats.logs_trace_linked],
    ]) {
      await showView(app.browser, 'case');
      await $(`count-${key}-query`).click();
      await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'logs', { timeout: 5000 });
      await settled(app.browser);
      assert.equal(await $('search-input').getValue(), `link:${state}`);
      await waitForRows(app.browser, 'log-row', (n) => n === count, { timeoutMsg: `${count} ${state} logs` });
      assert.deepEqual(await badges(app.browser), Array(count).fill(state));
    }
    // Every state has its own badge text.
    await search(app.browser, '');
    const texts = await app.browser.execute(() => {
      const seen = {};
      for (const node of document.querySelectorAll('[data-testid="log-link"]')) seen[node.dataset.link] = node.textContent;
      return seen;
    });
    assert.equal(new Set(Object.values(texts)).size, Object.keys(texts).length, JSON.stringify(texts));
  });

  it('opens a trace-linked log\'s trace and says its span is not in the case', async () => {
    await search(app.browser, 'link:trace');
    const [log] = weftJson(casePath, 'logs', '--link', 'trace');
    await waitForRows(app.browser, 'log-chip');
    await $('log-chip').click();
    await app.browser.waitUntil(async () => (await $('waterfall').getAttribute('data-trace-id')) === log.trace_id, {
      timeout: 10_000,
    });
    await settled(app.browser);
    assert.match(await $('missing-span').getText(), new RegExp(`${log.span_id} is not in the case`));
  });

  it('opens a trace pasted into the search box, as hex in capitals or as a UUID', async () => {
    const [first, second] = weftJson(casePath, 'traces', '--limit', '2');
    const id = second.trace_id;
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    for (const [spelling, traceId] of [
      [first.trace_id.toUpperCase(), first.trace_id],
      [uuid, second.trace_id],
    ]) {
      await search(app.browser, spelling);
      await app.browser.waitUntil(async () => (await $('waterfall').getAttribute('data-trace-id')) === traceId, {
        timeout: 10_000,
        timeoutMsg: `${spelling} did not open ${traceId}`,
      });
    }
    // The trace list shows each trace's id (its first 8 hex digits, the whole one on hover).
    await $('tab-list').click();
    await search(app.browser, '');
    await waitForRows(app.browser, 'trace-id');
    const cell = app.browser.$(`[data-testid="trace-row"][data-trace-id="${first.trace_id}"] [data-testid="trace-id"]`);
    assert.equal(await cell.getText(), first.trace_id.slice(0, 8));
    assert.equal(await cell.getAttribute('title'), first.trace_id);
    assert.equal((await $$('trace-id')).length, (await $$('trace-row')).length);
  });
});
