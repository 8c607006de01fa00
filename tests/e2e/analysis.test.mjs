// Why was it slow, why did it fail (issue 15) in the real window: the critical path
// of the demo's slowest trace drawn over its bars and matching `weft trace --json`;
// a server whose clock runs 2 s ahead, adjusted and undone; two traces compared
// (a node only in one side marked, opened in its trace); a Shift box on the trace
// scatter ranking what sets its traces apart, a value added to the search.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, logBodies, settled, typeInSearch, waitForRows, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-analysis-'));
const demoCase = join(tmp, 'demo.weft');
const skewCase = join(tmp, 'skew.weft');
// Two checkouts of the demo (tests/it/analysis.rs): the slowest waits on a payment
// timeout; the fast one has the card gateway's spans, which the slow one lacks.
const SLOW = '62a299412c14cccf19cc9937031761f3';
const FAST = 'b02b3dc666f45bdeaa2ccaedcd2b5157';

const S = 1_000_000_000n;
const T0 = 1_760_000_000n * S;
const SKEWED = '0af7651916cd43dd8448eb211c80319c';

function otlpSpan(id, parent, name, kind, start, end) {
  return {
    traceId: SKEWED,
    spanId: id,
    parentSpanId: parent,
    name,
    kind,
    startTimeUnixNano: String(T0 + start),
    endTimeUnixNano: String(T0 + end),
  };
}

function resource(service, host, spans) {
  return {
    resource: {
      attributes: [
        { key: 'service.name', value: { stringValue: service } },
        { key: 'host.name', value: { stringValue: host } },
      ],
    },
    scopeSpans: [{ scope: { name: 'test' }, spans }],
  };
}

/** A client that waits 1 s for a server whose clock runs 2 s ahead, and a log of each. */
function writeSkewedCase() {
  const traces = join(tmp, 'skewed.json');
  writeFileSync(
    traces,
    JSON.stringify({
      resourceSpans: [
        resource('web', 'web-1', [
          otlpSpan('1111111111111111', '', 'GET /pay', 2, 0n, 2n * S),
          otlpSpan('2222222222222222', '1111111111111111', 'POST pay', 3, S / 2n, (3n * S) / 2n),
        ]),
        resource('payments', 'payments-7f9c', [
          otlpSpan('3333333333333333', '2222222222222222', 'charge', 2, 2n * S + (6n * S) / 10n, 3n * S + (4n * S) / 10n),
        ]),
      ],
    }),
  );
  const log = (ns, msg, span) =>
    JSON.stringify({ level: 'info', ts: Number(ns) / 1e9, msg, traceID: SKEWED, spanID: span });
  const logs = join(tmp, 'app.log');
  writeFileSync(
    logs,
    [log(T0 + (14n * S) / 10n, 'got the answer', '2222222222222222'), log(T0 + (27n * S) / 10n, 'charged', '3333333333333333')].join('\n') + '\n',
  );
  weft(skewCase, 'ingest', traces, logs);
}

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(demoCase, 'ingest', 'tests/fixtures/demo');
  writeSkewedCase();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function openTrace(browser, traceId) {
  await typeInSearch(browser, traceId);
  await browser.waitUntil(
    async () =>
      (await browser.$('[data-testid="waterfall"]').isExisting()) &&
      (await browser.$('[data-testid="waterfall"]').getAttribute('data-trace-id')) === traceId,
    { timeout: 10_000, timeoutMsg: `trace ${traceId} did not show` },
  );
  await settled(browser);
}

/** The path sections drawn on each span row, by span id: [own, hidden]. */
function sectionsByRow(browser) {
  return browser.execute(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="span-row"]')].map((row) => [
        row.getAttribute('data-span-id'),
        [
          row.querySelectorAll('[data-testid="path-section"][data-hidden="false"]').length,
          row.querySelectorAll('[data-testid="path-section"][data-hidden="true"]').length,
        ],
      ]),
    ),
  );
}

describe('critical path, comparison and selection on the demo case', () => {
  const app = windowOn(demoCase);
  const { $, $$ } = app;

  it('draws the critical path of the slowest trace as weft trace --json gives it', async () => {
    const [slowest] = weftJson(demoCase, 'traces', '--sort', 'duration', '--limit', '1');
    const analysed = weftJson(demoCase, 'trace', slowest.trace_id);
    assert.ok(analysed.critical_path.length > 1, 'the slowest trace has a path');
    await openTrace(app.browser, slowest.trace_id);
    // Slow: the switch is on by itself.
    assert.equal(await $('trace-header').getAttribute('data-slow'), 'true');
    assert.equal(await $('path-switch').isSelected(), true);
    const expected = {};
    for (const span of analysed.spans) expected[span.span_id] = [0, 0];
    for (const section of analysed.critical_path) expected[section.span_id][0] += 1;
    assert.deepEqual(await sectionsByRow(app.browser), expected);
    // The top span on the path is the one with the most time on it; a click selects it.
    const onPath = new Map();
    for (const section of analysed.critical_path) {
      onPath.set(section.span_id, (onPath.get(section.span_id) ?? 0) + section.end_ns - section.start_ns);
    }
    const [top] = [...onPath].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    const first = (await $$('top-path-span'))[0];
    assert.equal(await first.getAttribute('data-span-id'), top[0]);
    await first.click();
    await app.browser.waitUntil(async () => (await $('span-details').getAttribute('data-span-id')) === top[0], {
      timeout: 5000,
      timeoutMsg: 'the top span was not selected',
    });
    // Self time in the details, and the top self-time span is the CLI's.
    assert.ok((await $('span-self-time').getText()).length > 0);
    const bySelf = [...analysed.spans].sort((x, y) => y.self_ns - x.self_ns || (x.span_id < y.span_id ? -1 : 1));
    assert.equal(await (await $$('top-self-span'))[0].getAttribute('data-span-id'), bySelf[0].span_id);
    await saveScreenshot(app.browser, join(SHOTS, 'analysis-critical-path.png'));

    // Collapsed, the root row shows the sections of everything it hides.
    await $('collapse-all').click();
    await settled(app.browser);
    const root = analysed.spans.find((span) => !span.parent_span_id);
    const collapsed = await sectionsByRow(app.browser);
    assert.deepEqual(Object.keys(collapsed), [root.span_id]);
    assert.deepEqual(collapsed[root.span_id], [expected[root.span_id][0], analysed.critical_path.length - expected[root.span_id][0]]);
    await $('expand-all').click();
    // The switch turns the path off.
    await $('path-switch').click();
    await app.browser.waitUntil(async () => (await $$('path-section')).length === 0, {
      timeout: 5000,
      timeoutMsg: 'the path stayed',
    });
  });

  it('compares two traces in a tab: a node only in B is marked and opens in B', async () => {
    const nodes = weftJson(demoCase, 'compare', SLOW, FAST);
    await openTrace(app.browser, SLOW);
    await $('compare-open').click();
    const candidate = app.browser.$(`[data-testid="compare-candidate"][data-trace-id="${FAST}"]`);
    await candidate.scrollIntoView({ block: 'center' });
    await candidate.click();
    await waitForRows(app.browser, 'compare-row', (count) => count === nodes.length, {
      timeoutMsg: `the comparison did not show ${nodes.length} nodes`,
    });
    assert.equal(await $('comparison').getAttribute('data-a'), SLOW);
    assert.equal(await $('comparison').getAttribute('data-b'), FAST);
    const onlyB = nodes.filter((node) => node.a.count === 0 && node.b.count > 0);
    assert.ok(onlyB.length > 0);
    const marked = await app.browser.$$('[data-testid="compare-row"][data-side="b"]');
    assert.equal(marked.length, onlyB.length);
    assert.match(await marked[0].$('[data-testid="compare-only"]').getText(), /only in B/);
    // The slow trace's root took longer: its difference is marked faster in B.
    const rootRow = (await $$('compare-row'))[0];
    assert.equal(await rootRow.getAttribute('data-change'), 'faster');
    await saveScreenshot(app.browser, join(SHOTS, 'analysis-compare.png'));

    const name = await marked[0].getAttribute('data-name');
    await marked[0].$('[data-testid="compare-open-b"]').click();
    await app.browser.waitUntil(
      async () =>
        (await $('waterfall').isExisting()) &&
        (await $('waterfall').getAttribute('data-trace-id')) === FAST &&
        (await $('span-details').isExisting()),
      { timeout: 10_000, timeoutMsg: 'the node did not open in B' },
    );
    assert.equal(await $('span-details-name').getText(), name);
    // Back: the comparison tab again.
    await $('history-back').click();
    await waitForRows(app.browser, 'compare-row', (count) => count === nodes.length, {
      timeoutMsg: 'Back did not show the comparison',
    });
  });

  it('ranks what sets a Shift-drawn box of the scatter apart, and a value joins the search', async () => {
    await $('tab-list').click();
    await typeInSearch(app.browser, '');
    await settled(app.browser);
    const scatter = await $('trace-scatter');
    await scatter.scrollIntoView({ block: 'center' });
    const { width, height } = await scatter.getSize();
    // The top third of the plot: the slowest traces.
    const [left, top] = [-Math.round(width / 2) + 2, -Math.round(height / 2) + 2];
    await app.browser.actions([
      app.browser.action('key').down('\uE008').pause(400).up('\uE008'),
      app.browser
        .action('pointer')
        .move({ origin: scatter, x: left, y: top })
        .down()
        .move({ origin: scatter, x: 0, y: top + Math.round(height / 6), duration: 100 })
        .move({ origin: scatter, x: Math.round(width / 2) - 2, y: top + Math.round(height / 3), duration: 100 })
        .up(),
    ]);
    await $('selection-panel').waitForExist({ timeout: 10_000, timeoutMsg: 'no selection panel' });
    await app.browser.waitUntil(async () => (await $$('selection-attribute')).length > 0, {
      timeout: 10_000,
      timeoutMsg: 'no attributes ranked',
    });
    const query = await $('selection-query').getText();
    assert.match(query, /after:\S+Z before:\S+Z duration>=\d+ns duration<=\d+ns/);
    const ranked = weftJson(demoCase, 'compare', '--selection', query);
    const selected = weftJson(demoCase, 'traces', query, '--limit', '1000');
    assert.ok(selected.length > 0 && ranked.selection_traces === selected.length);
    assert.match(await $('selection-counts').getText(), new RegExp(`^${selected.length} selected traces`));
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="selection-attribute"]')].map((node) => node.getAttribute('data-attribute')),
    );
    assert.deepEqual(shown, ranked.attributes.filter((attribute) => attribute.score > 0).slice(0, 12).map((attribute) => attribute.attribute));
    await saveScreenshot(app.browser, join(SHOTS, 'analysis-selection.png'));

    const value = await app.browser.$('[data-testid="selection-value"]:not([disabled])');
    const term = await value.getAttribute('data-term');
    assert.ok(term.length > 0);
    await value.click();
    await app.browser.waitUntil(async () => (await $('search-input').getValue()).includes(term), {
      timeout: 5000,
      timeoutMsg: `${term} did not join the search`,
    });
    await settled(app.browser);
  });
});

describe('clock skew adjusted and undone', () => {
  const app = windowOn(skewCase);
  const { $ } = app;

  const chargeLeft = () =>
    app.browser.execute(() => {
      const row = document.querySelector('[data-testid="span-row"][data-span-id="3333333333333333"] .bar');
      return row ? row.style.left : null;
    });

  it('says which host is off, and shifts its spans and logs on Adjust until Undo', async () => {
    await openTrace(app.browser, SKEWED);
    assert.equal(await $('skew-text').getText(), 'clock skew: payments-7f9c +2 s');
    assert.deepEqual(await logBodies(app.browser), ['got the answer', 'charged']);
    const before = await chargeLeft();
    await $('skew-adjust').click();
    await app.browser.waitUntil(async () => (await $('skew').getAttribute('data-adjusted')) === 'true', {
      timeout: 10_000,
      timeoutMsg: 'Adjust did not apply',
    });
    await settled(app.browser);
    assert.equal(await $('skew-text').getText(), 'clock skew adjusted: payments-7f9c +2 s');
    assert.notEqual(await chargeLeft(), before);
    // The server's log, 2 s earlier now, comes before the client's.
    await app.browser.waitUntil(async () => (await logBodies(app.browser))[0] === 'charged', {
      timeout: 5000,
      timeoutMsg: 'the logs kept their order',
    });
    // The one trace of its case is its slowest: the path is drawn, and runs through
    // the server inside its client.
    assert.equal(await $('path-switch').isSelected(), true);
    const serverPath = app.browser.$$('[data-testid="span-row"][data-span-id="3333333333333333"] [data-testid="path-section"]');
    assert.ok((await serverPath).length > 0);
    await saveScreenshot(app.browser, join(SHOTS, 'analysis-skew.png'));
    // Stored in the case, the spans as loaded.
    const stored = weftJson(skewCase, 'trace', SKEWED);
    assert.equal(stored.skew_adjusted, false);

    await $('skew-undo').click();
    await app.browser.waitUntil(async () => (await $('skew').getAttribute('data-adjusted')) === 'false', {
      timeout: 10_000,
      timeoutMsg: 'Undo did not apply',
    });
    await settled(app.browser);
    assert.equal(await chargeLeft(), before);
    assert.deepEqual(await logBodies(app.browser), ['got the answer', 'charged']);
  });
});
