// The search box, trace list, waterfall and log view of the real window, on a case
// made from the demo incident (tests/fixtures/demo) plus a log file whose body is
// markup. What the window shows is compared with the real CLI's `--json` output.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, settled, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const PAYLOAD = '<img src=x onerror="document.title=\'pwned\'"><script>document.title=\'pwned\'</script><b>bold</b>';

/** A line of the same file that is not JSON: kept as an unparsed log line. */
const UNPARSED = 'not json: <b>still</b> text';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-search-'));
const casePath = join(tmp, 'demo.weft');

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', 'tests/fixtures/demo');
  const hostile = join(tmp, 'hostile.log');
  const line = { level: 50, time: 1793700000000, msg: PAYLOAD, service: 'hostile', extra: { html: '<i>x</i>' } };
  writeFileSync(hostile, `${JSON.stringify(line)}\n${UNPARSED}\n`);
  weft(casePath, 'ingest', hostile);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('search, trace list, waterfall and logs on the demo incident', () => {
  const app = windowOn(casePath);
  const { $ } = app;

  async function search(text) {
    const input = $('search-input');
    // Emptied by script: WebDriver's clear fires no input event for the binding.
    await app.browser.execute(() => {
      const box = document.querySelector('[data-testid="search-input"]');
      box.value = '';
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
    if (text) await input.setValue(text);
    await $('search-run').click();
    await app.browser.pause(50);
    await settled(app.browser);
  }

  /** The ids and bodies of the log rows in the DOM, top to bottom. */
  const shownLogs = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-row"]')]
        .map((row) => ({
          id: Number(row.getAttribute('data-log-id')),
          body: row.querySelector('[data-testid="log-body"]').textContent,
          top: row.parentElement.offsetTop,
        }))
        .sort((a, b) => a.top - b.top),
    );

  const shownTraceIds = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-row"]')].map((row) =>
        row.getAttribute('data-trace-id'),
      ),
    );

  it('a query drives the trace list and the log view, exactly as the CLI', async () => {
    const query = 'level>=error';
    await search(query);
    const traces = weftJson(casePath, 'traces', query, '--limit', '1000');
    assert.ok(traces.length > 0);
    assert.deepEqual(await shownTraceIds(), traces.map((trace) => trace.trace_id));
    const logs = weftJson(casePath, 'logs', query, '--limit', '1000');
    assert.ok(logs.length > 20, 'more logs than fit the view');
    assert.equal(await $('logs-shown').getText(), `${logs.length} lines`);
    // Windowed: only the rows in view are in the DOM, and they are the first ones.
    const top = await shownLogs();
    assert.ok(top.length < logs.length, `${top.length} rows rendered of ${logs.length}`);
    // A collapsed row shows the first line of its message (a "+N lines" mark says there are more).
    assert.deepEqual(top, logs.slice(0, top.length).map((log, index) => ({ id: log.id, body: log.body.split(/\r?\n/)[0], top: index * 24 })));
    await app.browser.execute(() => {
      const viewport = document.querySelector('[data-testid="log-rows"]');
      viewport.scrollTop = viewport.scrollHeight;
    });
    await app.browser.pause(100);
    const bottom = await shownLogs();
    assert.deepEqual(bottom.map((row) => row.id), logs.slice(-bottom.length).map((log) => log.id));
    await saveScreenshot(app.browser, join(SHOTS, 'search.png'));
  });

  it('sorts the trace list by duration and by errors like the CLI', async () => {
    await search('');
    for (const sort of ['duration', 'errors', 'start']) {
      await $(`sort-${sort}`).click();
      await settled(app.browser);
      const ids = await shownTraceIds();
      const expected = weftJson(casePath, 'traces', '--sort', sort, '--limit', '1000');
      assert.deepEqual(ids, expected.map((trace) => trace.trace_id), `sorted by ${sort}`);
    }
  });

  it('a malformed query shows its error under the box, with a caret at its column', async () => {
    const text = 'service:checkout "open';
    await search(text);
    const error = $('query-error');
    await error.waitForExist({ timeout: 5000 });
    assert.equal(await error.getAttribute('data-column'), '18');
    const caret = await app.browser.execute(
      () => document.querySelector('[data-testid="query-error-caret"]').textContent,
    );
    assert.equal(caret, `${' '.repeat(17)}^`);
    assert.match(await $('query-error-message').getText(), /column 18: unterminated phrase/);
    await saveScreenshot(app.browser, join(SHOTS, 'query-error.png'));
    await search('');
    assert.equal(await $('query-error').isExisting(), false);
  });

  it('a trace row opens its waterfall with a row per span and the trace logs', async () => {
    const [failing] = weftJson(casePath, 'traces', 'status:error', '--limit', '1');
    const trace = weftJson(casePath, 'trace', failing.trace_id);
    await search('status:error');
    // WebKitWebDriver clicks cells, not table rows.
    await app.browser.$(`[data-testid="trace-row"][data-trace-id="${failing.trace_id}"] td`).click();
    await $('waterfall').waitForExist({ timeout: 5000 });
    await settled(app.browser);
    const rows = await app.browser.$$('[data-testid="span-row"]');
    assert.equal(rows.length, trace.spans.length);
    assert.equal((await app.browser.$$('[data-testid="span-error"]')).length, trace.spans.filter((span) => span.status === 'error').length);
    const logIds = [...trace.spans.flatMap((span) => span.logs), ...trace.trace_logs].map((log) => log.id).sort((a, b) => a - b);
    assert.deepEqual((await shownLogs()).map((row) => row.id).sort((a, b) => a - b), logIds);
    assert.equal((await app.browser.$$('[data-testid="log-tick"]')).length, trace.spans.reduce((n, span) => n + span.logs.length, 0));
    assert.ok((await app.browser.$$('[data-testid="axis-tick"]')).length >= 2);
    assert.equal(await $('minimap').getAttribute('data-rows'), String(trace.spans.length));
    const painted = await app.browser.execute(() => {
      const canvas = document.querySelector('[data-testid="minimap"]');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set();
      for (let index = 0; index < data.length; index += 4) colours.add(data.slice(index, index + 3).join());
      return colours.size;
    });
    assert.ok(painted >= 3, `the minimap shows bars (${painted} colours)`);

    // Selecting a span shows exactly its logs; the toggle shows the whole trace again.
    const withLogs = trace.spans.find((span) => span.logs.length > 0 && span.parent_span_id);
    await app.browser.$(`[data-testid="span-row"][data-span-id="${withLogs.span_id}"]`).click();
    await settled(app.browser);
    assert.equal(await $('span-details').getAttribute('data-span-id'), withLogs.span_id);
    assert.deepEqual((await shownLogs()).map((row) => row.id), withLogs.logs.map((log) => log.id));
    // Hovering a log line highlights its span.
    const firstLog = `[data-testid="log-row"][data-log-id="${withLogs.logs[0].id}"] [data-testid="log-body"]`;
    await app.browser.$(firstLog).moveTo();
    const spanRow = `[data-testid="span-row"][data-span-id="${withLogs.span_id}"]`;
    await app.browser.waitUntil(async () => (await app.browser.$(spanRow).getAttribute('data-hovered')) === 'true', {
      timeout: 3000,
      timeoutMsg: 'the span of the hovered log line is not highlighted',
    });
    await saveScreenshot(app.browser, join(SHOTS, 'waterfall.png'));
    await $('scope-whole-trace').click();
    await settled(app.browser);
    assert.equal((await shownLogs()).length, logIds.length);

    // Keyboard: left on the root collapses it, right expands it again.
    await app.browser.execute(() => document.querySelector('[data-testid="span-tree"]').focus());
    await app.browser.keys(['Home']);
    for (let step = 0; step < trace.spans.length; step++) await app.browser.keys(['ArrowUp']);
    await app.browser.keys(['ArrowLeft']);
    assert.equal((await app.browser.$$('[data-testid="span-row"]')).length, 1);
    await app.browser.keys(['ArrowRight']);
    assert.equal((await app.browser.$$('[data-testid="span-row"]')).length, trace.spans.length);

    // `/` jumps to the in-trace search; matches are counted and highlighted.
    await app.browser.keys(['/']);
    const findFocused = await app.browser.execute(
      () => document.activeElement?.getAttribute('data-testid'),
    );
    assert.equal(findFocused, 'span-find');
    const needle = withLogs.name;
    await app.browser.keys([...needle]);
    const expected = trace.spans.filter((span) =>
      `${span.name} ${span.service}`.toLowerCase().includes(needle.toLowerCase()),
    ).length;
    assert.ok(expected >= 1);
    assert.equal(await $('span-find-count').getText(), `${expected} ${expected === 1 ? 'match' : 'matches'}`);
    assert.ok(
      (await app.browser.$$('[data-testid="span-row"][data-matched="true"]')).length >= expected,
    );

    // The axis starts at the trace's start, labelled with its time of day (UTC by default).
    const startTick = await app.browser.execute(
      () => document.querySelector('[data-testid="axis-tick"]').textContent,
    );
    const traceStartNs = Math.min(...trace.spans.map((span) => span.start_ns));
    assert.equal(startTick, new Date(Math.floor(traceStartNs / 1e6)).toISOString().slice(11));
    // Double-clicking a span zooms the axis to it; the axis no longer starts at 0.
    const shortest = [...trace.spans].sort(
      (x, y) => x.end_ns - x.start_ns - (y.end_ns - y.start_ns),
    )[0];
    const shortName = app.browser.$(`[data-testid="span-row"][data-span-id="${shortest.span_id}"] .name`);
    await shortName.scrollIntoView({ block: 'center' });
    await shortName.doubleClick();
    await $('zoom-reset').waitForExist({ timeout: 3000 });
    const firstTick = await app.browser.execute(
      () => document.querySelector('[data-testid="axis-tick"]').textContent,
    );
    assert.notEqual(firstTick, '0');
    assert.notEqual(firstTick, startTick);
    await saveScreenshot(app.browser, join(SHOTS, 'waterfall-zoom.png'));
    await $('zoom-reset').click();
    assert.equal(await $('zoom-reset').isExisting(), false);
  });

  it("a log line's chip opens the waterfall at its span", async () => {
    await search('service:payments level>=error');
    const [log] = weftJson(casePath, 'logs', 'service:payments level>=error', '--limit', '1');
    const row = app.browser.$(`[data-testid="log-row"][data-log-id="${log.id}"]`);
    await row.$('[data-testid="log-chip"]').click();
    await $('waterfall').waitForExist({ timeout: 5000 });
    await settled(app.browser);
    assert.equal(await $('waterfall').getAttribute('data-trace-id'), log.trace_id);
    assert.equal(await $('span-details').getAttribute('data-span-id'), log.span_id);
    assert.equal(await $('log-scope').getAttribute('data-span-id'), log.span_id);
    await $('scope-clear').click();
    await settled(app.browser);
  });

  it('dragging across the histogram narrows the query to that time range', async () => {
    await search('level>=warn');
    const plot = $('histogram-plot');
    await plot.scrollIntoView({ block: 'center' });
    const { width } = await plot.getSize();
    await app.browser
      .action('pointer')
      .move({ origin: plot, x: -Math.round(width * 0.3), y: 0 })
      .down()
      .move({ origin: plot, x: 0, y: 0, duration: 100 })
      .move({ origin: plot, x: Math.round(width * 0.3), y: 0, duration: 100 })
      .up()
      .perform();
    await app.browser.waitUntil(
      async () => / after:\S+ before:\S+$/.test(await $('search-input').getValue()),
      { timeout: 5000, timeoutMsg: 'no time range in the query' },
    );
    await settled(app.browser);
    const query = await $('search-input').getValue();
    assert.match(query, /^level>=warn after:2026-\S+Z before:2026-\S+Z$/);
    const logs = weftJson(casePath, 'logs', query, '--limit', '1000');
    const all = weftJson(casePath, 'logs', 'level>=warn', '--limit', '1000');
    assert.ok(logs.length > 0 && logs.length < all.length, `${logs.length} of ${all.length}`);
    assert.equal(await $('logs-shown').getText(), `${logs.length} lines`);
    const shown = await shownLogs();
    assert.deepEqual(shown.map((row) => row.id), logs.slice(0, shown.length).map((log) => log.id));
    await saveScreenshot(app.browser, join(SHOTS, 'histogram-range.png'));
  });

  it('a dot of the duration plot opens its trace, marked when it has errors', async () => {
    await search('');
    const [slowest] = weftJson(casePath, 'traces', '--sort', 'duration', '--limit', '1');
    const all = weftJson(casePath, 'traces', '--limit', '1000');
    assert.equal((await app.browser.$$('[data-testid="scatter-dot"]')).length, all.length);
    const erroneous = await app.browser.execute(
      () => document.querySelectorAll('[data-testid="scatter-dot"].error').length,
    );
    assert.equal(erroneous, all.filter((trace) => trace.errors > 0).length);
    await app.browser.$(`[data-testid="scatter-dot"][data-trace-id="${slowest.trace_id}"]`).click();
    await app.browser.waitUntil(
      async () => (await $('waterfall').getAttribute('data-trace-id')) === slowest.trace_id,
      { timeout: 5000, timeoutMsg: 'the slowest trace did not open' },
    );
    await settled(app.browser);
    await saveScreenshot(app.browser, join(SHOTS, 'traces.png'));
  });

  it('the facets count like the CLI, and a click adds its term to the search', async () => {
    await search('level>=warn');
    const logs = weftJson(casePath, 'logs', 'level>=warn', '--limit', '1000');
    const perService = {};
    for (const log of logs) perService[log.service] = (perService[log.service] ?? 0) + 1;
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="facet"][data-field="service"]')].map((facet) => [
        facet.getAttribute('data-value'),
        Number(facet.querySelector('.count').textContent.replace(/[^\d]/g, '')),
      ]),
    );
    assert.ok(shown.length > 1, 'several services');
    for (const [service, count] of shown) assert.equal(count, perService[service], service);
    const [service] = shown[0];
    await app.browser.$(`[data-testid="facet"][data-field="service"][data-value="${service}"]`).click();
    await app.browser.waitUntil(
      async () => (await $('search-input').getValue()) === `level>=warn service:${service}`,
      { timeout: 5000, timeoutMsg: 'the facet did not reach the search box' },
    );
    await settled(app.browser);
    assert.equal(await $('logs-shown').getText(), `${perService[service]} lines`);
  });

  it('a log body holding markup renders as text, and its fields as a text tree', async () => {
    await search('service:hostile');
    const [log, unparsed] = weftJson(casePath, 'logs', 'service:hostile', '--limit', '5');
    assert.equal(log.body, PAYLOAD);
    assert.equal(unparsed.body, UNPARSED);
    const shown = await shownLogs();
    assert.deepEqual(shown.map((row) => row.body), [PAYLOAD, UNPARSED]);
    const marked = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-row"]')].map(
        (row) => row.querySelector('[data-testid="log-unparsed"]') !== null,
      ),
    );
    assert.deepEqual(marked, [false, true]);
    await app.browser.$('[data-testid="log-row"] [data-testid="log-expand"]').click();
    const tree = await app.browser.execute(
      () => document.querySelector('[data-testid="log-attributes"]').textContent,
    );
    assert.match(tree, /<i>x<\/i>/);
    await $('log-context-open').click();
    await $('log-context').waitForExist({ timeout: 3000 });
    const context = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="context-line"]')].map((line) => line.textContent),
    );
    assert.equal(context.length, 2, 'the whole two-line file');
    assert.ok(context[0].includes(PAYLOAD));
    assert.ok(context[1].includes(UNPARSED));
    const injected = await app.browser.execute(
      () => document.querySelectorAll('main img, main script, main b, main i').length,
    );
    assert.equal(injected, 0);
    assert.equal(await app.browser.getTitle(), 'Weft');
    await saveScreenshot(app.browser, join(SHOTS, 'hostile-log.png'));
  });
});
