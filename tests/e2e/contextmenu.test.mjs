// The rows' context menu (issue 18, "mark from anywhere") in the real window: a right
// click on a span row → Mark… → a note saved (compared with `weft marks --json`) and
// listed in the Notebook; Shift+F10 on a focused log row, moved and run by keyboard;
// Escape gives the focus back to the row; Copy id on a trace row (by keyboard) puts the
// id on the X clipboard; an outside click closes the menu.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { ROOT, SHOTS, openWindow, settled, showView, startDriver, weft, weftJson } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-contextmenu-'));
const caseFile = join(tmp, 'contextmenu.weft');
const MS = 1_000_000n;
const T0 = 1_760_000_000_000n * MS;
const TRACE = 'c'.repeat(31) + '1';
const ROOT_SPAN = '1111111111111111';
const DB_SPAN = '2222222222222222';

function writeCase() {
  const span = (id, parent, name, start, end) => ({
    traceId: TRACE,
    spanId: id,
    parentSpanId: parent,
    name,
    kind: 2,
    startTimeUnixNano: String(T0 + start * MS),
    endTimeUnixNano: String(T0 + end * MS),
  });
  const traces = join(tmp, 'traces.json');
  writeFileSync(
    traces,
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }] },
          scopeSpans: [{ scope: { name: 'test' }, spans: [span(ROOT_SPAN, '', 'POST /charge', 0n, 100n), span(DB_SPAN, ROOT_SPAN, 'db.query', 10n, 90n)] }],
        },
      ],
    }),
  );
  const line = (ms, msg, level) =>
    JSON.stringify({ level, time: Number(T0 / MS) + ms, pid: 1, hostname: 'p-1', name: 'payments', msg, trace_id: TRACE, span_id: DB_SPAN });
  const logs = join(tmp, 'payments.log');
  writeFileSync(logs, [line(20, 'pool busy', 30), line(50, 'db pool exhausted', 50)].join('\n') + '\n');
  weft(caseFile, 'ingest', traces, logs);
}

function clipboardText() {
  return JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'tests/e2e/clipboard.py')], { encoding: 'utf8', timeout: 10_000 }));
}

let driver;
let browser;
const $ = (testid) => browser.$(`[data-testid="${testid}"]`);

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  writeCase();
  driver = await startDriver({ WEFT_CASE: caseFile });
  browser = await openWindow(driver);
});
after(async () => {
  await browser?.deleteSession().catch(() => {});
  await driver?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A right click as a mouse makes it: button 2 down and up (element.click({ button: 'right' }) also releases button 0, a left click). */
async function rightClick(element) {
  await browser.action('pointer').move({ origin: element }).down({ button: 2 }).up({ button: 2 }).perform();
}

/** The test id and the log id of the row that holds the focus, and the focused element's test id. */
function focused() {
  return browser.execute(() => {
    const active = document.activeElement;
    const row = active?.closest('[data-testid="log-row"]');
    return { testid: active?.getAttribute('data-testid') ?? null, logId: row ? Number(row.dataset.logId) : null };
  });
}

describe('the context menu', () => {
  it('marks a span row from a right click, the note saved and in the Notebook', async () => {
    await settled(browser);
    await browser.$(`[data-testid="trace-row"][data-trace-id="${TRACE}"] td`).click();
    const row = browser.$(`[data-testid="span-row"][data-span-id="${DB_SPAN}"]`);
    await row.waitForExist({ timeout: 10_000 });
    await rightClick(row.$('.name'));
    await $('context-menu').waitForExist({ timeout: 5000, timeoutMsg: 'a right click opened no menu' });
    assert.equal(await $('context-menu').getAttribute('data-kind'), 'span');
    assert.deepEqual(await browser.$$('[data-testid="context-menu"] [role="menuitem"]').map((item) => item.getText()), ['Mark this span…', 'Copy span id']);
    await $('context-mark').click();
    await $('context-menu').waitForExist({ reverse: true, timeout: 3000 });
    await $('mark-editor').waitForExist({ timeout: 5000, timeoutMsg: 'Mark… opened no editor' });
    assert.match(await $('mark-editor-target').getText(), /^span 22222222… of trace cccccccc…$/);
    await $('mark-note').setValue('slow query, seen from the menu');
    await $('mark-save').click();
    await $('mark-editor').waitForExist({ reverse: true, timeout: 5000, timeoutMsg: 'the mark was not saved' });
    const marks = weftJson(caseFile, 'marks');
    assert.equal(marks.length, 1);
    assert.equal(marks[0].kind, 'span');
    assert.equal(marks[0].trace_id, TRACE);
    assert.equal(marks[0].span_id, DB_SPAN);
    assert.equal(marks[0].note, 'slow query, seen from the menu');
    await showView(browser, 'notebook');
    await browser.waitUntil(async () => Number(await $('notebook-view').getAttribute('data-count')) === 1, { timeout: 10_000, timeoutMsg: 'the Notebook does not list the mark' });
    assert.equal(await $('mark-note-text').getText(), 'slow query, seen from the menu');
    assert.equal(await $('mark-item').getAttribute('data-mark-id'), String(marks[0].id));
  });

  it('opens on a focused log row with Shift+F10; Escape gives the focus back; Mark… by keyboard', async () => {
    await showView(browser, 'logs');
    await settled(browser);
    const logId = await browser.execute(() => {
      const row = [...document.querySelectorAll('[data-testid="log-row"]')].find((node) =>
        node.querySelector('[data-testid="log-body"]').textContent.includes('exhausted'),
      );
      row.focus();
      return Number(row.dataset.logId);
    });
    await browser.keys([Key.Shift, Key.F10]);
    await $('context-menu').waitForExist({ timeout: 5000, timeoutMsg: 'Shift+F10 opened no menu' });
    assert.equal(await $('context-menu').getAttribute('data-kind'), 'log');
    assert.deepEqual(await focused(), { testid: 'context-mark', logId: null });
    await browser.keys([Key.Escape]);
    await $('context-menu').waitForExist({ reverse: true, timeout: 3000, timeoutMsg: 'Escape did not close the menu' });
    assert.deepEqual(await focused(), { testid: 'log-row', logId });
    // Open again: down to Copy, down again (wrapping past the end) to Mark…, Enter.
    await browser.keys([Key.Shift, Key.F10]);
    await $('context-menu').waitForExist({ timeout: 5000 });
    await browser.keys([Key.ArrowDown]);
    assert.equal((await focused()).testid, 'context-copy-id');
    await browser.keys([Key.ArrowDown]);
    assert.equal((await focused()).testid, 'context-mark');
    await browser.keys([Key.Enter]);
    await $('mark-editor').waitForExist({ timeout: 5000, timeoutMsg: 'Enter on Mark… opened no editor' });
    assert.equal(await $('mark-editor-target').getText(), `log line ${logId}`);
    await $('mark-note').setValue('pool dry');
    await browser.keys([Key.Ctrl, Key.Enter]);
    await $('mark-editor').waitForExist({ reverse: true, timeout: 5000, timeoutMsg: 'Ctrl+Enter did not save' });
    const marks = weftJson(caseFile, 'marks');
    assert.equal(marks.length, 2);
    assert.equal(marks[1].kind, 'log');
    assert.equal(marks[1].log_id, logId);
    assert.equal(marks[1].note, 'pool dry');
  });

  it('copies a trace id from the trace list by keyboard, and closes on an outside click', async () => {
    await showView(browser, 'traces');
    await $('tab-list').click();
    await settled(browser);
    // By keyboard: WebDriver's right click in this WebKit also sends a left click, which opens the trace.
    const focusRow = async () => {
      const row = browser.$(`[data-testid="trace-row"][data-trace-id="${TRACE}"]`);
      await row.waitForExist({ timeout: 10_000, timeoutMsg: 'the trace list does not show the trace' });
      await browser.execute((id) => document.querySelector(`[data-testid="trace-row"][data-trace-id="${id}"]`).focus(), TRACE);
    };
    await focusRow();
    await browser.keys([Key.Shift, Key.F10]);
    await $('context-menu').waitForExist({ timeout: 5000 });
    assert.equal(await $('context-menu').getAttribute('data-kind'), 'trace');
    await browser.keys([Key.ArrowDown]);
    await browser.keys([Key.Enter]);
    await $('context-menu').waitForExist({ reverse: true, timeout: 3000 });
    await browser.waitUntil(() => clipboardText() === TRACE, { timeout: 5000, timeoutMsg: 'Copy trace id did not put the id on the clipboard' });
    await focusRow();
    await browser.keys([Key.Shift, Key.F10]);
    await $('context-menu').waitForExist({ timeout: 5000 });
    await $('case-name').click();
    await $('context-menu').waitForExist({ reverse: true, timeout: 3000, timeoutMsg: 'an outside click did not close the menu' });
  });
});
