// Loading in the real window: files dropped with a real OS drag (X drag source +
// xdotool, see harness.mjs `osDrag`) onto an empty case appear as progress rows
// that end with their counts, and as sources with the counts the corpus checker
// (tests/fixtures/EXPECTED.json) and the real CLI give; naming a source's service
// shows in the log view.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, SHOTS, osDrag, waitForRows, weftJson, windowOn, showView, saveScreenshot } from './harness.mjs';

const TRACES = 'otlp-json/jaeger__internal__storage__integration__fixtures__traces__example_trace.json';
const TEXT_LOG = 'logs-text/lnav__test__logfile_logfmt.0';
const BAD_JSON = 'logs-json/lnav__test__logfile_invalid_json.json';
const FILES = [TRACES, TEXT_LOG, BAD_JSON];
const EXPECTED = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/EXPECTED.json'), 'utf8')).files;
const fixturePath = (name) => resolve(ROOT, 'tests/fixtures', name);

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-load-'));
const casePath = join(tmp, 'dropped.weft');

before(() => mkdirSync(SHOTS, { recursive: true }));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('dropping files on an empty case', () => {
  const app = windowOn(casePath);
  const { $ } = app;

  /** The load rows as the DOM shows them. */
  const loadRows = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="load-row"]')].map((row) => ({
        path: row.getAttribute('data-path'),
        state: row.getAttribute('data-state'),
        spans: row.querySelector('[data-testid="load-spans"]')?.textContent ?? null,
        logs: row.querySelector('[data-testid="load-logs"]')?.textContent ?? null,
        unparsed: row.querySelector('[data-testid="load-unparsed"]')?.textContent ?? null,
        problems: row.querySelector('[data-testid="load-problems"]')?.textContent ?? null,
      })),
    );

  const digits = (text) => Number(String(text).replace(/[^\d]/g, ''));

  it('starts empty, and says what can be dropped', async () => {
    await $('empty-case').waitForDisplayed({ timeout: 5000 });
    const formats = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="empty-formats"] li')].map((item) => item.textContent),
    );
    assert.ok(formats.includes('otlp-json') && formats.length >= 5, JSON.stringify(formats));
    // The loads and the sources are in the Case view.
    await showView(app.browser, 'case');
    assert.equal(await $('sources-empty').isExisting(), true);
  });

  it('loads the dropped files: a progress row each, ending with its counts', async () => {
    let overlay = false;
    await osDrag(app.browser, FILES.map(fixturePath), {
      beforeDrop: async () => (overlay = await $('drop-overlay').isDisplayed()),
    });
    assert.equal(overlay, true, 'a drop target shows while dragging');
    assert.equal(await $('drop-overlay').isExisting(), false, 'and goes when the files are dropped');
    await app.browser.waitUntil(
      async () => {
        const rows = await loadRows();
        return rows.length === FILES.length && rows.every((row) => row.state === 'done');
      },
      { timeout: 30_000, timeoutMsg: `the loads did not finish: ${JSON.stringify(await loadRows())}` },
    );
    const rows = await loadRows();
    const cli = weftJson(casePath, 'sources');
    for (const name of FILES) {
      const row = rows.find((candidate) => candidate.path === fixturePath(name));
      assert.ok(row, `a row for ${name}: ${JSON.stringify(rows)}`);
      const expected = EXPECTED[name];
      const source = cli.find((candidate) => candidate.path === fixturePath(name));
      assert.equal(digits(row.spans), expected.spans, `${name} spans`);
      assert.equal(digits(row.logs), source.logs, `${name} logs as the CLI says`);
      assert.equal(digits(row.unparsed), expected.unparsed_lines, `${name} unparsed`);
    }
    const bad = rows.find((row) => row.path === fixturePath(BAD_JSON));
    assert.match(bad.problems, /line \d+/, 'a problem names its line');
    await saveScreenshot(app.browser, join(SHOTS, 'loaded.png'));
  });

  it('lists the new sources with their counts, and the views show the records', async () => {
    await waitForRows(app.browser, 'source-row', (count) => count === FILES.length, { timeout: 10_000 });
    const cli = weftJson(casePath, 'sources');
    for (const source of cli) {
      const row = app.browser.$(`[data-testid="source-row"][data-source-id="${source.id}"]`);
      assert.equal(await row.$('[data-testid="source-status"]').getText(), 'complete');
      // What it was read as: a JSON log's dialect (issue 23), else its format.
      const format = row.$('[data-testid="source-format"]');
      assert.equal(await format.getAttribute('data-format'), source.format);
      assert.equal(await format.getText(), source.dialect ?? source.format);
      assert.equal(digits(await row.$('[data-testid="source-spans"]').getText()), source.spans);
      assert.equal(digits(await row.$('[data-testid="source-logs"]').getText()), source.logs);
    }
    const stats = weftJson(casePath, 'stats');
    assert.equal(Number(await $('count-spans').getAttribute('data-value')), stats.spans);
    assert.equal(Number(await $('count-logs').getAttribute('data-value')), stats.logs);
    await showView(app.browser, 'traces');
    assert.equal((await app.browser.$$('[data-testid="trace-row"]')).length, stats.traces);
  });

  it('names a source’s service, and the log view shows it', async () => {
    const source = weftJson(casePath, 'sources').find((candidate) => candidate.path === fixturePath(TEXT_LOG));
    await showView(app.browser, 'case');
    const row = app.browser.$(`[data-testid="source-row"][data-source-id="${source.id}"]`);
    assert.equal(await row.$('[data-testid="source-service"]').getText(), 'lnav__test__logfile_logfmt');
    await row.$('[data-testid="source-service-edit"]').click();
    await row.$('[data-testid="source-service-input"]').setValue('edge-proxy');
    await row.$('[data-testid="source-service-save"]').click();
    await app.browser.waitUntil(
      async () => (await row.$('[data-testid="source-service"]').isExisting()) &&
        (await row.$('[data-testid="source-service"]').getText()) === 'edge-proxy',
      { timeout: 10_000, timeoutMsg: 'the new name did not show' },
    );
    const cli = weftJson(casePath, 'logs', 'service:edge-proxy', '--limit', '1000');
    assert.equal(cli.length, source.logs, 'every line of the file took the name');
    await showView(app.browser, 'logs');
    await app.browser.waitUntil(
      () =>
        app.browser.execute(() =>
          [...document.querySelectorAll('[data-testid="log-row"] [data-testid="log-service"]')].some(
            (cell) => cell.textContent === 'edge-proxy',
          ),
        ),
      { timeout: 10_000, timeoutMsg: 'the log view does not show the new service' },
    );
  });

  it('cancels a load: its row says so and the case keeps nothing of it', async () => {
    const before = weftJson(casePath, 'stats');
    // Big enough that the load is still running when Cancel is clicked, with the
    // click as soon as the row shows (while the file is hashed or read).
    const lines = Array.from({ length: 600_000 }, (_, index) =>
      JSON.stringify({ level: 30, time: 1793700000000 + index, msg: `request ${index}`, service: 'big' }),
    );
    const big = join(tmp, 'big.log');
    writeFileSync(big, `${lines.join('\n')}\n`);
    await showView(app.browser, 'case');
    await osDrag(app.browser, [big]);
    const row = app.browser.$(`[data-testid="load-row"][data-path="${big}"]`);
    await app.browser.waitUntil(async () => (await row.isExisting()) && (await row.$('[data-testid="load-cancel"]').isExisting()), {
      timeout: 20_000,
      timeoutMsg: 'the big file never showed a row',
    });
    await row.$('[data-testid="load-cancel"]').click();
    await app.browser.waitUntil(async () => ['cancelled', 'done'].includes(await row.getAttribute('data-state')), {
      timeout: 60_000,
      timeoutMsg: 'the load did not end',
    });
    assert.equal(await row.getAttribute('data-state'), 'cancelled');
    const after = weftJson(casePath, 'stats');
    assert.deepEqual([after.sources, after.logs], [before.sources, before.logs]);
  });
});
