// Issue 23, point 3: the trace scatter and the log histogram on a case whose files
// span 2012–2026 (scripts/multi-year-case.sh: the demo incident plus corpus files of
// other years). They fit the dense range and count the rest at their edges; "show
// all" widens to the whole case, a preset and a drag narrow (as the query's
// after:/before: terms, undone by Back), the wheel zooms around the pointer, and an
// empty search draws no axis. Counts come from the real CLI's `--json` output.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, SHOTS, WEFT, settled, typeInSearch, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-axes-'));
const casePath = join(tmp, 'multi-year.weft');
const DAY = 24 * 3600e9;

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  execFileSync(join(ROOT, 'scripts', 'multi-year-case.sh'), [casePath], {
    cwd: ROOT,
    env: { ...process.env, WEFT },
    stdio: 'ignore',
  });
});

after(() => rmSync(tmp, { recursive: true, force: true }));

/** An axis label (UTC: `2026-11-03 09:59:56.400Z`) as Unix ns. */
const labelNs = (text) => Date.parse(text.trim().replace(' ', 'T')) * 1e6;

describe('time axes of a case spanning 14 years', () => {
  const app = windowOn(casePath);
  const { $ } = app;

  const allTraces = () => weftJson(casePath, 'traces', '--limit', '10000');
  const allLogs = () => weftJson(casePath, 'logs', '--limit', '100000');
  /** The demo incident's day: the records within a day of the last trace. */
  function dense(records, time) {
    const last = Math.max(...records.map(time));
    return records.filter((record) => time(record) > last - DAY);
  }
  const dots = async () => (await app.browser.$$('[data-testid="scatter-dot"]')).length;
  const query = () => $('search-input').getValue();
  async function axisOf(chart) {
    return { start: labelNs(await $(`${chart}-start`).getText()), end: labelNs(await $(`${chart}-end`).getText()) };
  }
  async function waitForQuery(test, message) {
    await app.browser.waitUntil(async () => test(await query()), { timeout: 8000, timeoutMsg: message });
    await settled(app.browser);
  }
  /** The range of the query's after:/before: terms, in ns. */
  async function pickedOf() {
    const text = await query();
    const after = /after:(\S+)/.exec(text);
    const before = /before:(\S+)/.exec(text);
    assert.ok(after && before, `no range in "${text}"`);
    return { start: Date.parse(after[1]) * 1e6, end: Date.parse(before[1]) * 1e6 };
  }

  it('fits the scatter and the histogram to the incident and counts the rest at the edges', async () => {
    await settled(app.browser, 20_000);
    await $('trace-scatter').waitForExist({ timeout: 10_000 });
    const traces = allTraces();
    const logs = allLogs();
    const years = (Math.max(...logs.map((log) => log.ts_ns)) - Math.min(...logs.map((log) => log.ts_ns))) / (365 * DAY);
    assert.ok(years > 14, `${years} years of logs`);
    const denseTraces = dense(traces, (trace) => trace.start_ns);
    const denseLogs = dense(logs, (log) => log.ts_ns);
    assert.equal(await dots(), denseTraces.length);
    assert.equal(Number(await $('scatter-earlier').getAttribute('data-count')), traces.length - denseTraces.length);
    assert.equal(await $('scatter-later').isExisting(), false);
    const scatterAxis = await axisOf('scatter');
    assert.ok(scatterAxis.end - scatterAxis.start < DAY, 'the scatter spans less than a day');
    assert.ok(Math.min(...denseTraces.map((trace) => trace.start_ns)) >= scatterAxis.start);

    await $('rail-logs').click();
    await $('log-histogram').waitForExist({ timeout: 5000 });
    await settled(app.browser);
    assert.equal(Number(await $('histogram-earlier').getAttribute('data-count')), logs.length - denseLogs.length);
    assert.equal(Number(await $('log-histogram').getAttribute('data-total')), denseLogs.length);
    assert.deepEqual(await axisOf('histogram'), scatterAxis);
    await saveScreenshot(app.browser, join(SHOTS, 'axes-fitted.png'));
  });

  it('"show all" widens both charts to the whole case, and "Fit" fits again', async () => {
    await $('histogram-earlier').click();
    await app.browser.waitUntil(async () => !(await $('histogram-earlier').isExisting()), {
      timeout: 5000,
      timeoutMsg: 'the edge still counts logs',
    });
    await settled(app.browser);
    const logs = allLogs();
    assert.equal(Number(await $('log-histogram').getAttribute('data-total')), logs.length);
    const axis = await axisOf('histogram');
    assert.ok(axis.start <= Math.min(...logs.map((log) => log.ts_ns)));
    assert.ok(axis.end >= Math.max(...logs.map((log) => log.ts_ns)));
    await $('rail-traces').click();
    await $('trace-scatter').waitForExist({ timeout: 5000 });
    await settled(app.browser);
    assert.equal(await dots(), allTraces().length);
    assert.equal(await $('scatter-earlier').isExisting(), false);
    await saveScreenshot(app.browser, join(SHOTS, 'axes-all.png'));

    await $('scatter-preset-fit').click();
    await app.browser.waitUntil(async () => await $('scatter-earlier').isExisting(), {
      timeout: 5000,
      timeoutMsg: 'the axis did not fit again',
    });
    assert.equal(await dots(), dense(allTraces(), (trace) => trace.start_ns).length);
  });

  it('a preset narrows the query to the busiest hour, and Back undoes it', async () => {
    await settled(app.browser);
    await $('scatter-preset-busiest-hour').click();
    await waitForQuery((text) => /^after:\S+ before:\S+$/.test(text), 'no busiest hour in the query');
    const picked = await pickedOf();
    assert.equal(picked.end - picked.start, 3600e9);
    const inHour = weftJson(casePath, 'traces', await query(), '--limit', '10000');
    assert.ok(inHour.length > 0);
    assert.equal(await dots(), inHour.length);
    assert.equal((await app.browser.$$('[data-testid="trace-row"]')).length, inHour.length);
    assert.deepEqual(await axisOf('scatter'), picked);
    assert.ok(await $('scatter-clear-range').isExisting());
    await $('history-back').click();
    await waitForQuery((text) => text === '', 'Back did not drop the range');
    assert.equal(await $('scatter-clear-range').isExisting(), false);
  });

  it('the wheel zooms in around the pointer', async () => {
    await settled(app.browser);
    const plot = $('scatter-plot');
    const before = await axisOf('scatter');
    const { width } = await plot.getSize();
    // A quarter of the way along: that time stays under the pointer.
    const x = -Math.round(width / 4);
    const pointerNs = before.start + (before.end - before.start) * 0.25;
    await app.browser.action('wheel').scroll({ origin: plot, x, y: 0, deltaY: -400 }).perform();
    await waitForQuery((text) => /after:\S+ before:\S+$/.test(text), 'the wheel put no range in the query');
    const zoomed = await pickedOf();
    assert.ok(zoomed.end - zoomed.start < (before.end - before.start) * 0.7, 'zoomed in');
    assert.ok(zoomed.start < pointerNs && pointerNs < zoomed.end, 'around the pointer');
    const share = (pointerNs - zoomed.start) / (zoomed.end - zoomed.start);
    assert.ok(Math.abs(share - 0.25) < 0.03, `the pointer's time moved to ${share}`);
    assert.equal(await dots(), weftJson(casePath, 'traces', await query(), '--limit', '10000').length);
  });

  it('a drag across the scatter picks the range between its ends', async () => {
    await $('scatter-clear-range').click();
    await waitForQuery((text) => text === '', 'the range was not cleared');
    const plot = $('scatter-plot');
    const axis = await axisOf('scatter');
    const { width } = await plot.getSize();
    await app.browser
      .action('pointer')
      .move({ origin: plot, x: -Math.round(width * 0.25), y: 0 })
      .down()
      .move({ origin: plot, x: 0, y: 0, duration: 100 })
      .move({ origin: plot, x: Math.round(width * 0.25), y: 0, duration: 100 })
      .up()
      .perform();
    await waitForQuery((text) => /^after:\S+ before:\S+$/.test(text), 'the drag put no range in the query');
    const picked = await pickedOf();
    const span = axis.end - axis.start;
    assert.ok(Math.abs((picked.start - axis.start) / span - 0.25) < 0.02, 'starts a quarter along');
    assert.ok(Math.abs((picked.end - axis.start) / span - 0.75) < 0.02, 'ends three quarters along');
    const rows = weftJson(casePath, 'traces', await query(), '--limit', '10000');
    assert.equal(await dots(), rows.length);
    await saveScreenshot(app.browser, join(SHOTS, 'axes-dragged.png'));
  });

  it('an empty result draws no axis, never one at 1970', async () => {
    await typeInSearch(app.browser, '"no such words in any line"');
    await settled(app.browser);
    await app.browser.waitUntil(async () => await $('logs-empty').isExisting(), {
      timeout: 5000,
      timeoutMsg: 'no empty text',
    });
    assert.equal(await $('trace-scatter').isExisting(), false);
    assert.equal(await $('log-histogram').isExisting(), false);
    // The trace list's pane (the Traces view) and its logs pane say why there is no chart.
    assert.match(await $('scatter-empty').getText(), /no traces or logs match/);
    assert.match(await $('histogram-empty').getText(), /no traces or logs match/);
    const text = await app.browser.execute(() => document.body.innerText);
    assert.equal(text.includes('1970'), false);
  });
});
