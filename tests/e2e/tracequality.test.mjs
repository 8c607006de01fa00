// A trace's own telemetry problems (issue 17) in the real window: a trace whose
// spans name two parents the case does not hold shows a dashed placeholder row per
// missing parent with its orphans under it, "incomplete: 2 spans missing" and the
// trace's findings (as `weft trace --json` gives them, fetched after the trace by
// `trace_findings`) in its header and as badges on their rows; a click on a
// finding opens its fix and selects its span; a Quality view example opens its
// trace with the finding that led there open.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, settled, showView, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-tracequality-'));
const caseFile = join(tmp, 'tracequality.weft');
const MS = 1_000_000n;
const T0 = 1_760_000_000_000n * MS;
const TRACE = 'b'.repeat(31) + '1';
const MISSING_A = 'ffff00000000000a';
const MISSING_B = 'ffff00000000000b';
const ORPHAN = '2000000000000001';

function span(id, parent, name, start, end) {
  return {
    traceId: TRACE,
    spanId: id,
    parentSpanId: parent,
    name,
    kind: 2,
    startTimeUnixNano: String(T0 + start * MS),
    endTimeUnixNano: String(T0 + end * MS),
  };
}

const service = (name, spans) => ({
  resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
  scopeSpans: [{ scope: { name: 'test' }, spans }],
});

function writeCase() {
  const traces = join(tmp, 'traces.json');
  writeFileSync(
    traces,
    JSON.stringify({
      resourceSpans: [
        service('frontend', [
          span('1000000000000001', '', 'GET /cart', 0n, 100n),
          span('1000000000000002', '1000000000000001', 'render', 5n, 20n),
          span('1000000000000003', '1000000000000001', 'marker', 25n, 25n),
        ]),
        // checkout's caller and payments' caller were not exported.
        service('checkout', [
          span(ORPHAN, MISSING_A, 'PlaceOrder', 30n, 80n),
          span('2000000000000002', ORPHAN, 'charge', 40n, 60n),
        ]),
        service('payments', [
          span('3000000000000001', MISSING_B, 'Authorize', 50n, 90n),
          span('3000000000000002', MISSING_B, 'Capture', 85n, 95n),
        ]),
      ],
    }),
  );
  weft(caseFile, 'ingest', traces);
}

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  writeCase();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a trace with missing parents', () => {
  const app = windowOn(caseFile);
  const { $, $$ } = app;
  const expected = () => weftJson(caseFile, 'trace', TRACE);

  /** The waterfall's rows top to bottom: span ids, and `?id` for a placeholder. */
  const rows = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="span-row"], [data-testid="missing-parent-row"]')].map((row) =>
        row.dataset.testid === 'missing-parent-row' ? `?${row.dataset.missingSpanId}` : row.dataset.spanId,
      ),
    );

  it('shows a placeholder row per missing parent, with its orphans under it, and says the trace is incomplete', async () => {
    await settled(app.browser);
    const view = expected();
    assert.deepEqual(view.missing_parents, [
      { span_id: MISSING_A, children: [ORPHAN] },
      { span_id: MISSING_B, children: ['3000000000000001', '3000000000000002'] },
    ]);
    await app.browser.$(`[data-testid="trace-row"][data-trace-id="${TRACE}"] td`).click();
    await app.browser.waitUntil(async () => (await $('waterfall').getAttribute('data-trace-id')) === TRACE, {
      timeout: 10_000,
      timeoutMsg: 'the trace did not open',
    });
    await app.browser.waitUntil(async () => (await rows()).length === 9, { timeout: 5000, timeoutMsg: 'the rows did not come' });
    assert.deepEqual(await rows(), [
      '1000000000000001',
      '1000000000000002',
      '1000000000000003',
      `?${MISSING_A}`,
      ORPHAN,
      '2000000000000002',
      `?${MISSING_B}`,
      '3000000000000001',
      '3000000000000002',
    ]);
    const placeholder = await app.browser.execute((id) => {
      const row = document.querySelector(`[data-missing-span-id="${id}"]`);
      const bar = row.querySelector('[data-testid="missing-parent-bar"]');
      const orphan = document.querySelector('[data-testid="span-row"][data-span-id="2000000000000001"]');
      return {
        text: row.textContent.trim(),
        depth: row.dataset.depth,
        orphanDepth: orphan.dataset.depth,
        border: getComputedStyle(bar).borderTopStyle,
        background: getComputedStyle(bar).backgroundColor,
      };
    }, MISSING_A);
    assert.match(placeholder.text, /missing span ffff0000… \(not in the case\)/);
    assert.equal(placeholder.depth, '0');
    assert.equal(placeholder.orphanDepth, '1');
    assert.equal(placeholder.border, 'dashed');
    assert.equal(placeholder.background, 'rgba(0, 0, 0, 0)', 'no service colour');
    // Counted as what it is: 7 spans, 2 of them missing.
    assert.match(await $('waterfall-summary').getText(), /^7 spans/);
    assert.equal(await $('trace-incomplete').getText(), 'incomplete: 2 spans missing');
    // A click on the placeholder selects no span.
    await app.browser.$(`[data-missing-span-id="${MISSING_A}"]`).click();
    assert.equal(await $('span-details').isExisting(), false, 'the placeholder is not a span to show');
    await saveScreenshot(app.browser, join(SHOTS, 'trace-incomplete.png'));
  });

  it("lists the trace's findings in its header, badges their rows, and a click selects the span", async () => {
    const findings = expected().findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.count]),
      [
        ['missing-parent', 'error', 3],
        ['zero-duration', 'info', 1],
      ],
    );
    // They come after the trace (`trace_findings`).
    await app.browser.waitUntil(async () => (await $$('trace-finding')).length === findings.length, {
      timeout: 5000,
      timeoutMsg: 'the findings did not come',
    });
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-finding"]')].map((node) => [
        node.dataset.rule,
        node.dataset.severity,
        node.textContent.replace(/\s+/g, ' ').trim(),
      ]),
    );
    assert.deepEqual(
      shown.map(([rule, severity]) => [rule, severity]),
      findings.map((f) => [f.rule, f.severity]),
    );
    assert.ok(shown[0][2].includes('3 spans') && shown[0][2].includes(findings[0].message), shown[0][2]);
    const badged = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="span-finding"]')].map((node) => [
        node.closest('[data-testid="span-row"]').dataset.spanId,
        node.dataset.rules,
        node.getAttribute('title'),
      ]),
    );
    assert.deepEqual(
      badged.map(([spanId, rules]) => [spanId, rules]),
      [
        ['1000000000000003', 'zero-duration'],
        [ORPHAN, 'missing-parent'],
        ['3000000000000001', 'missing-parent'],
        ['3000000000000002', 'missing-parent'],
      ],
    );
    assert.equal(badged[1][2], `error: ${findings[0].message}`);

    const [zero] = await app.browser.$$('[data-testid="trace-finding"][data-rule="zero-duration"]');
    await zero.click();
    await app.browser.waitUntil(async () => (await $('span-details').isExisting()) && (await $('span-details').getAttribute('data-span-id')) === '1000000000000003', {
      timeout: 5000,
      timeoutMsg: 'a click on the finding did not select its span',
    });
    assert.equal(await $('trace-finding-detail').getAttribute('data-rule'), 'zero-duration');
    assert.ok((await $('trace-finding-detail').getText()).includes(findings[1].fix));

    // The missing-parent finding lists its three orphans; a click selects one.
    await app.browser.$('[data-testid="trace-finding"][data-rule="missing-parent"]').click();
    const spans = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-finding-span"]')].map((node) => node.dataset.spanId),
    );
    assert.deepEqual(spans, [ORPHAN, '3000000000000001', '3000000000000002']);
    await app.browser.$('[data-testid="trace-finding-span"][data-span-id="3000000000000002"]').click();
    await app.browser.waitUntil(async () => (await $('span-details').getAttribute('data-span-id')) === '3000000000000002', {
      timeout: 5000,
      timeoutMsg: 'a span of the finding was not selected',
    });
    const selected = await app.browser.execute(() => document.querySelector('[data-testid="span-row"][aria-selected="true"]')?.dataset.spanId);
    assert.equal(selected, '3000000000000002');
    await saveScreenshot(app.browser, join(SHOTS, 'trace-findings.png'));
  });

  it('opens from a Quality view example with the finding that led there open', async () => {
    await showView(app.browser, 'quality');
    await app.browser.waitUntil(async () => (await $('quality-view').getAttribute('data-loaded')) === 'true', {
      timeout: 10_000,
      timeoutMsg: 'the findings did not load',
    });
    const [example] = await app.browser.$$('[data-rule="zero-duration"] [data-testid="quality-example"]');
    await example.click();
    await app.browser.waitUntil(async () => (await $('span-details').isExisting()) && (await $('span-details').getAttribute('data-span-id')) === '1000000000000003', {
      timeout: 10_000,
      timeoutMsg: 'the example did not open its span',
    });
    await app.browser.waitUntil(async () => (await $$('trace-finding')).length === 2, {
      timeout: 5000,
      timeoutMsg: 'the findings did not come',
    });
    const led = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-finding"][data-led="true"]')].map((node) => [node.dataset.rule, node.getAttribute('aria-expanded')]),
    );
    assert.deepEqual(led, [['zero-duration', 'true']]);
    assert.equal(await $('trace-finding-detail').getAttribute('data-rule'), 'zero-duration');
    assert.equal((await $$('trace-finding')).length, 2);
  });
});
