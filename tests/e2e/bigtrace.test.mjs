// A huge trace in the real window (issue 19): a 100k-span trace generated at test
// time (scripts/gen-big-trace.py, not checked in) and loaded by the real `weft
// ingest` opens in the windowed waterfall — only the rows in view in the DOM, bars
// on a canvas — and is checked against the CLI's windows of rows (`weft trace ID
// --rows A:B --json`): first rows, End to the last row, find a span by name and
// jump to it, collapse a span (the row count drops by its hidden rows), a span's
// details.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { ROOT, SHOTS, settled, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const SPANS = 100_000;
const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-bigtrace-'));
const casePath = join(tmp, 'big.weft');
let traceId = null;
/** The CLI's window of rows `start..end` (nothing collapsed). */
const cliRows = (start, end) => weftJson(casePath, 'trace', traceId, '--rows', `${start}:${end}`);

before(() => {
  execFileSync('python3', [join(ROOT, 'scripts', 'gen-big-trace.py'), '--out', tmp, '--spans', String(SPANS)], { stdio: 'ignore' });
  weft(casePath, 'ingest', join(tmp, 'big-trace.jsonl'), join(tmp, 'big-trace-logs.ndjson'));
  const traces = weftJson(casePath, 'traces');
  assert.equal(traces.length, 1);
  traceId = traces[0].trace_id;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a 100k-span trace', { timeout: 300_000 }, () => {
  const app = windowOn(casePath);
  const { $ } = app;
  const browser = () => app.browser;
  const waitFor = (check, timeoutMsg, timeout = 20_000) => browser().waitUntil(check, { timeout, timeoutMsg });

  /** The rows in the DOM: row number, span id, name; the focused row; the total the waterfall says. */
  const shown = () =>
    browser().execute(() => {
      const rows = [...document.querySelectorAll('[data-testid="span-row"]')].map((row) => ({
        row: Number(row.getAttribute('data-row')),
        spanId: row.getAttribute('data-span-id'),
        name: row.querySelector('[data-testid="span-name"]')?.textContent ?? null,
        focused: row.getAttribute('data-focused') === 'true',
        matched: row.getAttribute('data-matched') === 'true',
      }));
      const waterfall = document.querySelector('[data-testid="waterfall"]');
      return {
        rows,
        focused: rows.find((row) => row.focused) ?? null,
        total: Number(waterfall?.getAttribute('data-total-rows')),
        big: waterfall?.getAttribute('data-big') === 'true',
        canvas: Boolean(document.querySelector('[data-testid="waterfall-canvas"]')),
      };
    });

  it('opens in the windowed waterfall: the first rows are the CLI’s, few rows in the DOM', async () => {
    await settled(browser(), 60_000);
    await $('trace-row').$('td').click();
    await waitFor(async () => (await shown()).rows.some((row) => row.spanId), 'no span rows came', 60_000);
    const now = await shown();
    assert.ok(now.big, 'the trace did not open in the windowed waterfall');
    assert.ok(now.canvas, 'no canvas');
    assert.equal(now.total, SPANS);
    assert.ok(now.rows.length < 200, `${now.rows.length} rows in the DOM`);
    const expected = cliRows(0, 5).rows.map((row) => row.span_id);
    await waitFor(async () => (await shown()).rows.slice(0, 5).every((row, index) => row.spanId === expected[index]), 'the first rows are not the CLI’s');
    assert.match(await $('waterfall-summary').getText(), /^100\D?000 spans/);
    mkdirSync(SHOTS, { recursive: true });
    await saveScreenshot(browser(), join(SHOTS, 'bigtrace.png'));
  });

  it('End goes to the last row', async () => {
    await $('span-tree').click();
    await browser().keys([Key.End]);
    const last = cliRows(SPANS - 1, SPANS).rows[0];
    await waitFor(async () => (await shown()).focused?.spanId === last.span_id, 'End did not reach the CLI’s last row');
    assert.equal((await shown()).focused.row, SPANS - 1);
    await browser().keys([Key.Home]);
    await waitFor(async () => (await shown()).focused?.row === 0, 'Home did not come back to the first row');
  });

  it('finds a span by name and jumps to it', async () => {
    // A name the CLI shows deep in the trace.
    const target = cliRows(77_777, 77_778).rows[0];
    await browser().keys(['/']);
    assert.equal(await browser().execute(() => document.activeElement?.getAttribute('data-testid')), 'span-find');
    // setValue: WebKitWebDriver drops a repeated letter typed key by key.
    await $('span-find').setValue(target.name);
    await browser().keys([Key.Enter]);
    await waitFor(async () => {
      const focused = (await shown()).focused;
      return focused !== null && focused.name?.toLowerCase().includes(target.name.toLowerCase()) && focused.matched;
    }, 'Enter in the find box did not jump to a matching span', 60_000);
    const count = await $('span-find-count').getText();
    assert.match(count, /match/);
    const first = (await shown()).focused.row;
    await $('find-next').click();
    await waitFor(async () => (await shown()).focused?.row !== first, 'next did not move');
    assert.ok((await shown()).focused.name.toLowerCase().includes(target.name.toLowerCase()));
    await browser().keys([Key.Escape]);
  });

  it('collapses a span: the row count drops by the rows under it, and comes back', async () => {
    await $('span-tree').click();
    await browser().keys([Key.Home]);
    await browser().keys([Key.ArrowDown]);
    await waitFor(async () => (await shown()).focused?.row === 1, '↓ did not move');
    const before = (await shown()).total;
    // The CLI's count with row 1's span collapsed.
    const rowOne = cliRows(1, 2).rows[0];
    assert.ok(rowOne.has_children);
    const expected = weftJson(casePath, 'trace', traceId, '--rows', '0:1', '--collapsed', rowOne.span_id).total_rows;
    assert.ok(expected < before);
    await browser().keys([Key.ArrowLeft]);
    await waitFor(async () => (await shown()).total === expected, `the count did not drop to the CLI's ${expected}`);
    assert.equal((await shown()).focused.row, 1);
    await browser().keys([Key.ArrowRight]);
    await waitFor(async () => (await shown()).total === before, 'the count did not come back');
  });

  it('opens a span’s details', async () => {
    const rows = (await shown()).rows.filter((row) => row.spanId);
    const pick = rows[3];
    await browser().$(`[data-testid="span-row"][data-span-id="${pick.spanId}"]`).click();
    await waitFor(async () => (await $('span-details').isExisting()) && (await $('span-details').getAttribute('data-span-id')) === pick.spanId, 'the details did not open');
    assert.equal(await $('span-details-name').getText(), pick.name);
  });
});
