// The search box when a query goes wrong or matches nothing, and its completion, in
// the real window on the demo incident (issue 23, points 5 and 6): a malformed query
// keeps the results before it on screen, dimmed, with its error until the text is
// edited; a query that matches nothing says so and what the case holds; completion
// offers fields, levels and the case's services and is driven by the keyboard.
// Counts are compared with the real CLI's `--json` output.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { SHOTS, settled, typeInSearch, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-query-'));
const casePath = join(tmp, 'demo.weft');

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', 'tests/fixtures/demo');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A count as the window writes it (thin spaces between thousands). */
const count = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');

describe('the search box with a bad query, no match, and completion', () => {
  const app = windowOn(casePath);
  const { $ } = app;

  async function run(text) {
    await typeInSearch(app.browser, text);
    await app.browser.pause(50);
    await settled(app.browser);
  }

  const shownTraceIds = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-row"]')].map((row) => row.getAttribute('data-trace-id')),
    );
  const shownLogIds = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-row"]')].map((row) => Number(row.getAttribute('data-log-id'))),
    );
  /** The opacity the page paints an element with (its own times its ancestors'). */
  const opacity = (testid) =>
    app.browser.execute((id) => {
      let node = document.querySelector(`[data-testid="${id}"]`);
      let value = 1;
      for (; node; node = node.parentElement) value *= Number(getComputedStyle(node).opacity);
      return value;
    }, testid);
  const completions = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="search-completion"]')].map((item) => ({
        label: item.firstChild.textContent,
        chosen: item.getAttribute('aria-selected') === 'true',
      })),
    );
  const typeKeys = async (text) => {
    for (const key of text) await app.browser.keys(key);
    await app.browser.pause(50);
  };
  /** Empties the box and puts the focus in it. */
  async function emptyFocusedBox() {
    await app.browser.execute(() => {
      const box = document.querySelector('[data-testid="search-input"]');
      box.value = '';
      box.dispatchEvent(new Event('input', { bubbles: true }));
      box.focus();
    });
  }

  it('a malformed query keeps the results before it, dimmed, with the error until the text is edited', async () => {
    await run('level>=error');
    const traces = weftJson(casePath, 'traces', 'level>=error', '--limit', '1000');
    const logs = weftJson(casePath, 'logs', 'level>=error', '--limit', '1000');
    assert.ok(traces.length > 0 && logs.length > 0);
    const traceIds = await shownTraceIds();
    const logIds = await shownLogIds();
    const held = await $('log-view').getAttribute('data-rows');
    assert.deepEqual(traceIds, traces.map((trace) => trace.trace_id));
    assert.deepEqual(logIds, logs.slice(0, logIds.length).map((log) => log.id));
    assert.ok(logIds.length > 0);
    assert.equal(await opacity('traces'), 1);

    await run('level>=error "open');
    await $('query-error').waitForExist({ timeout: 5000 });
    assert.equal(await $('query-error').getAttribute('data-column'), '14');
    // The rows of `level>=error` stay, marked and painted dimmed.
    assert.deepEqual(await shownTraceIds(), traceIds);
    // The same rows held; those in view (the DOM is windowed) are the first of them.
    assert.equal(await $('log-view').getAttribute('data-rows'), held);
    const keptIds = await shownLogIds();
    assert.ok(keptIds.length > 0, 'kept log rows are on screen');
    assert.deepEqual(keptIds, logs.slice(0, keptIds.length).map((log) => log.id));
    assert.equal(await $('trace-results').getAttribute('data-stale'), 'true');
    assert.equal(await $('log-view').getAttribute('data-stale'), 'true');
    assert.ok((await opacity('traces')) < 0.6, 'the kept trace rows are dimmed');
    assert.ok((await opacity('log-rows')) < 0.6, 'the kept log rows are dimmed');
    assert.equal(await $('logs-shown').getText(), `${count(logs.length)} lines`);
    await saveScreenshot(app.browser, join(SHOTS, 'query-error-kept.png'));

    // Editing the text puts the error away; the results stay dimmed until a query runs.
    await $('search-input').click();
    await app.browser.keys(Key.End);
    await typeKeys('"');
    assert.equal(await $('search-input').getValue(), 'level>=error "open"');
    assert.equal(await $('query-error').isExisting(), false, 'the error went with the edit');
    assert.equal(await $('trace-results').getAttribute('data-stale'), 'true');

    await app.browser.keys(Key.Enter);
    await app.browser.pause(50);
    await settled(app.browser);
    assert.equal(await $('query-error').isExisting(), false);
    assert.equal(await $('trace-results').getAttribute('data-stale'), 'false');
    assert.equal(await $('log-view').getAttribute('data-stale'), 'false');
    const fixed = weftJson(casePath, 'traces', 'level>=error "open"', '--limit', '1000');
    assert.deepEqual(await shownTraceIds(), fixed.map((trace) => trace.trace_id));
  });

  it('a search that matches nothing names it and says what the case holds', async () => {
    const word = 'zzqxnothingmatchesthis';
    assert.equal(weftJson(casePath, 'traces', word).length, 0);
    assert.equal(weftJson(casePath, 'logs', word).length, 0);
    const stats = weftJson(casePath, 'stats');
    await run(word);
    await $('traces-empty').waitForExist({ timeout: 5000 });
    const noun = (n, one) => `${count(n)} ${n === 1 ? one : `${one}s`}`;
    assert.equal(await $('traces-empty').getText(), `No trace matches \`${word}\` (${noun(stats.traces, 'trace')} in the case).`);
    assert.equal(await $('logs-empty').getText(), `No log line matches \`${word}\` (${noun(stats.logs, 'log')} in the case).`);
    assert.equal(await $('traces-shown').getText(), `0 traces match (${count(stats.traces)} in the case)`);
    assert.equal(await $('logs-shown').getText(), '0 lines');
  });

  it('the trace list and log view count what matches, with plurals', async () => {
    const [one] = weftJson(casePath, 'traces', '--limit', '1');
    await run(`trace:${one.trace_id}`);
    const stats = weftJson(casePath, 'stats');
    assert.equal(await $('traces-shown').getText(), `1 trace matches (${count(stats.traces)} in the case)`);
    const logs = weftJson(casePath, 'logs', `trace:${one.trace_id}`, '--limit', '1000');
    const lines = logs.length === 1 ? '1 line' : `${count(logs.length)} lines`;
    assert.equal(await $('logs-shown').getText(), lines);
    await run('');
    assert.equal(await $('traces-shown').getText(), `${count(stats.traces)} traces`);
    assert.equal(await $('logs-shown').getText(), `${count(stats.logs)} lines`);
  });

  it('completes fields, levels and services from the keyboard', async () => {
    const stats = weftJson(casePath, 'stats');
    await emptyFocusedBox();
    await typeKeys('lev');
    assert.deepEqual(await completions(), [{ label: 'level:', chosen: false }]);
    // Tab takes the first; the levels of the language follow at once.
    await app.browser.keys(Key.Tab);
    await app.browser.pause(50);
    assert.equal(await $('search-input').getValue(), 'level:');
    assert.equal(
      await app.browser.execute(() => document.activeElement?.getAttribute('data-testid')),
      'search-input',
      'Tab stayed in the box',
    );
    assert.deepEqual(
      (await completions()).map((item) => item.label),
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
    );
    await saveScreenshot(app.browser, join(SHOTS, 'completion.png'));
    // ↓ ×5 reaches the fifth, ↑ goes back to the fourth; Enter accepts it, Enter again searches.
    for (const key of [...Array(5).fill(Key.ArrowDown), Key.ArrowUp]) await app.browser.keys(key);
    assert.deepEqual((await completions()).find((item) => item.chosen), { label: 'warn', chosen: true });
    await app.browser.keys(Key.Enter);
    await app.browser.pause(50);
    assert.equal(await $('search-input').getValue(), 'level:warn ');
    assert.deepEqual(await completions(), [], 'nothing to complete after a value');
    await app.browser.keys(Key.Enter);
    await app.browser.pause(50);
    await settled(app.browser);
    const warns = weftJson(casePath, 'logs', 'level:warn', '--limit', '1000');
    assert.equal(await $('logs-shown').getText(), `${count(warns.length)} lines`);

    // The services of the case, as the CLI counts them; Escape closes the list, the text stays.
    await emptyFocusedBox();
    await typeKeys('service:');
    const services = stats.services.map((service) => service.name).sort();
    assert.deepEqual((await completions()).map((item) => item.label), services.slice(0, 8));
    await app.browser.keys(Key.Escape);
    await app.browser.pause(50);
    assert.deepEqual(await completions(), []);
    assert.equal(await $('search-input').getValue(), 'service:');
    // With no list open, Enter searches as before.
    await typeKeys(services[0].slice(0, 3));
    assert.ok((await completions()).some((item) => item.label === services[0]));
    await app.browser.keys(Key.Tab);
    await app.browser.keys(Key.Enter);
    await app.browser.pause(50);
    await settled(app.browser);
    const bySvc = weftJson(casePath, 'logs', `service:${services[0]}`, '--limit', '5000');
    assert.equal(await $('logs-shown').getText(), `${count(bySvc.length)} ${bySvc.length === 1 ? 'line' : 'lines'}`);
  });
});
