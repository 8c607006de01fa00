// The Quality view (issue 17) in the real window: a case with a trace that lost a
// parent, two roots in another, and logs without trace ids lists what
// `weft doctor --json` finds, by severity with counts and advice; an example opens
// its span in the trace, a log example the log in its context.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, settled, showView, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-quality-'));
const caseFile = join(tmp, 'quality.weft');
const MS = 1_000_000n;
const T0 = 1_760_000_000_000n * MS;
const BROKEN = 'a'.repeat(31) + '1';
const TWO_ROOTS = 'a'.repeat(31) + '2';

function span(traceId, id, parent, name, start, end) {
  return {
    traceId,
    spanId: id,
    parentSpanId: parent,
    name,
    kind: 2,
    startTimeUnixNano: String(T0 + start * MS),
    endTimeUnixNano: String(T0 + end * MS),
  };
}

function writeCase() {
  const traces = join(tmp, 'traces.json');
  writeFileSync(
    traces,
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeSpans: [
            {
              scope: { name: 'test' },
              spans: [
                span(BROKEN, '1111111111111111', '9999999999999999', 'PlaceOrder', 0n, 50n),
                span(BROKEN, '2222222222222222', '1111111111111111', 'validate', 10n, 20n),
                span(TWO_ROOTS, '3333333333333333', '', 'GET /a', 100n, 150n),
                span(TWO_ROOTS, '4444444444444444', '', 'GET /b', 160n, 190n),
              ],
            },
          ],
        },
      ],
    }),
  );
  const line = (ms, msg, trace) =>
    JSON.stringify({ level: 30, time: Number(T0 / MS) + ms, pid: 1, hostname: 'co-1', name: 'checkout', msg, ...(trace ? { trace_id: trace } : {}) });
  const logs = join(tmp, 'checkout.log');
  writeFileSync(logs, [line(5, 'placing order', BROKEN), line(6, 'pool warm', null), line(7, 'pool warm', null)].join('\n') + '\n');
  weft(caseFile, 'ingest', traces, logs);
}

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  writeCase();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Quality view', () => {
  const app = windowOn(caseFile);
  const { $, $$ } = app;

  async function showQuality() {
    await showView(app.browser, 'quality');
    await app.browser.waitUntil(async () => (await $('quality-view').getAttribute('data-loaded')) === 'true', {
      timeout: 10_000,
      timeoutMsg: 'the findings did not load',
    });
  }

  it('lists the findings of weft doctor by severity, with counts and advice', async () => {
    await settled(app.browser);
    await showQuality();
    const expected = weftJson(caseFile, 'doctor').findings;
    assert.deepEqual(
      expected.map((f) => [f.rule, f.severity, f.count]),
      [
        ['missing-parent', 'error', 1],
        ['logs-without-trace-id', 'warn', 2],
        ['missing-root', 'warn', 1],
        ['multiple-roots', 'warn', 1],
      ],
    );
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="quality-finding"]')].map((node) => [
        node.getAttribute('data-rule'),
        node.getAttribute('data-severity'),
        node.querySelector('[data-testid="quality-count"]').textContent,
        node.querySelector('.fix').textContent.length > 0,
      ]),
    );
    assert.deepEqual(shown, [
      ['missing-parent', 'error', '1 span', true],
      ['logs-without-trace-id', 'warn', '2 logs', true],
      ['missing-root', 'warn', '1 trace', true],
      ['multiple-roots', 'warn', '1 trace', true],
    ]);
    assert.equal(await $('quality-error').getText(), 'Errors (1)');
    assert.equal(await $('quality-warn').getText(), 'Warnings (3)');
    await saveScreenshot(app.browser, join(SHOTS, 'quality-view.png'));
  });

  it('opens an example span in its trace, and a log example in its context', async () => {
    const [first] = await app.browser.$$('[data-rule="missing-parent"] [data-testid="quality-example"]');
    await first.click();
    await app.browser.waitUntil(
      async () =>
        (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === BROKEN,
      { timeout: 10_000, timeoutMsg: 'the example trace did not open' },
    );
    await app.browser.waitUntil(async () => (await $('span-details').getAttribute('data-span-id')) === '1111111111111111', {
      timeout: 5000,
      timeoutMsg: 'the example span was not selected',
    });

    await showQuality();
    const [log] = await app.browser.$$('[data-rule="logs-without-trace-id"] [data-testid="quality-example"]');
    await log.click();
    await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'logs', {
      timeout: 5000,
      timeoutMsg: 'the log example did not open the Logs view',
    });
    await settled(app.browser);
    const bodies = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-body"]')].map((node) => node.textContent),
    );
    assert.ok(bodies.includes('pool warm'), `the log is shown: ${bodies}`);
    assert.equal((await $$('quality-finding')).length, 0, 'only the view shown is in the DOM');
  });
});
