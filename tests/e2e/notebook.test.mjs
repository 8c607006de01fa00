// The postmortem notebook (issue 18) in the real window: a span and a log line marked
// by keyboard (`m`), a note in Markdown with a hostile <img onerror> and a <script>
// shown as text, the timeline with both under their phases, a note with no evidence
// at a hand-set time, two items of one time reordered (Alt+Up), the HTML report
// exported through the shell's save dialog (driven with xdotool), the case reopened
// in a new window with everything in it, and a mark `weft mark add` wrote shown
// after a refresh.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { SHOTS, openWindow, settled, showView, startDriver, weft, weftJson, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-notebook-'));
const caseFile = join(tmp, 'notebook.weft');
const reportPath = join(tmp, 'postmortem.html');
const MS = 1_000_000n;
const T0 = 1_760_000_000_000n * MS;
const TRACE = 'b'.repeat(31) + '1';
const ROOT_SPAN = '1111111111111111';
const DB_SPAN = '2222222222222222';
const HOSTILE = '**Pool** exhausted <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>';

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

function xdotool(...args) {
  const run = spawnSync('xdotool', args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `xdotool ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** Saves to `path` in the shell's save dialog: its name box takes the whole path. */
async function saveInDialog(browser, path, saved) {
  const window = xdotool('search', '--sync', '--onlyvisible', '--name', 'Export report').trim().split('\n')[0];
  xdotool('sleep', '1');
  xdotool('windowfocus', '--sync', window);
  xdotool('key', '--delay', '150', 'ctrl+a');
  xdotool('type', '--delay', '20', path);
  for (let attempt = 0; attempt < 3; attempt++) {
    xdotool('key', '--delay', '300', 'Return');
    const done = await browser
      .waitUntil(saved, { timeout: 4000 })
      .then(() => true)
      .catch(() => false);
    if (done) return;
  }
  assert.fail(`the dialog did not save to ${path}`);
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

/** Saves the open editor with `fields` (test id → value). */
async function fillEditor(fields) {
  await $('mark-editor').waitForExist({ timeout: 5000, timeoutMsg: 'the mark editor did not open' });
  for (const [testid, value] of Object.entries(fields)) await $(testid).setValue(value);
  await $('mark-save').click();
  await $('mark-editor').waitForExist({ reverse: true, timeout: 5000, timeoutMsg: 'the mark was not saved' });
}

/** The timeline as shown: [phase, [kind, note text]…] per heading. */
function timeline() {
  return browser.execute(() => {
    const out = [];
    for (const node of document.querySelectorAll('[data-testid="notebook-phase"], [data-testid="mark-item"]')) {
      if (node.dataset.testid === 'notebook-phase') out.push([node.dataset.phase, []]);
      else out.at(-1)[1].push([node.dataset.kind, node.querySelector('[data-testid="mark-note-text"]')?.textContent.trim() ?? '']);
    }
    return out;
  });
}

async function showNotebook(count) {
  await showView(browser, 'notebook');
  await browser.waitUntil(async () => Number(await $('notebook-view').getAttribute('data-count')) === count, {
    timeout: 10_000,
    timeoutMsg: `the Notebook did not show ${count} marks`,
  });
}

describe('the Notebook', () => {
  it('marks a span by keyboard with a hostile Markdown note, and flags its row', async () => {
    await settled(browser);
    await browser.$(`[data-testid="trace-row"][data-trace-id="${TRACE}"] td`).click();
    const row = browser.$(`[data-testid="span-row"][data-span-id="${DB_SPAN}"]`);
    await row.waitForExist({ timeout: 10_000 });
    await row.$('.name').click();
    await browser.waitUntil(async () => (await $('span-details').getAttribute('data-span-id')) === DB_SPAN, {
      timeout: 5000,
      timeoutMsg: 'the span was not selected',
    });
    await browser.keys(['m']);
    await $('mark-editor').waitForExist({ timeout: 5000 });
    assert.match(await $('mark-editor-target').getText(), /^span 22222222… of trace bbbbbbbb…$/);
    // Escape cancels: nothing is written.
    await browser.keys([Key.Escape]);
    await $('mark-editor').waitForExist({ reverse: true, timeout: 3000 });
    assert.equal(weftJson(caseFile, 'marks').length, 0);
    await browser.keys(['m']);
    await fillEditor({ 'mark-note': HOSTILE, 'mark-tags': 'db pool', 'mark-phase': 'detection', 'mark-author': 'e2e author' });
    const [mark] = weftJson(caseFile, 'marks');
    assert.equal(mark.kind, 'span');
    assert.equal(mark.span_id, DB_SPAN);
    assert.equal(mark.note, HOSTILE);
    assert.deepEqual(mark.tags, ['db', 'pool']);
    assert.equal(mark.author, 'e2e author');
    await browser.waitUntil(async () => (await row.$('[data-testid="mark-flag"]').isExisting()), {
      timeout: 5000,
      timeoutMsg: 'the marked span has no flag',
    });
  });

  it('marks the focused log line by keyboard', async () => {
    await showView(browser, 'logs');
    await settled(browser);
    const logId = await browser.execute(() => {
      const row = [...document.querySelectorAll('[data-testid="log-row"]')].find((node) =>
        node.querySelector('[data-testid="log-body"]').textContent.includes('exhausted'),
      );
      row.querySelector('[data-testid="log-expand"]').focus();
      return Number(row.dataset.logId);
    });
    await browser.keys(['m']);
    await $('mark-editor').waitForExist({ timeout: 5000 });
    assert.equal(await $('mark-editor-target').getText(), `log line ${logId}`);
    await fillEditor({ 'mark-note': 'The pool ran *dry*.', 'mark-phase': 'impact' });
    const marks = weftJson(caseFile, 'marks');
    assert.equal(marks.length, 2);
    assert.equal(marks[1].log_id, logId);
    // The author typed for the first mark is remembered for the next.
    assert.equal(marks[1].author, 'e2e author');
    await browser.waitUntil(async () => (await browser.$(`[data-testid="log-row"][data-log-id="${logId}"] [data-testid="mark-flag"]`).isExisting()), {
      timeout: 5000,
      timeoutMsg: 'the marked log line has no flag',
    });
  });

  it('shows the timeline under its phases, the hostile note as text', async () => {
    await showNotebook(2);
    assert.deepEqual(await timeline(), [
      ['detection', [['span', 'Pool exhausted <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>']]],
      ['impact', [['log', 'The pool ran dry.']]],
    ]);
    const dom = await browser.execute(() => ({
      pwned: window.__pwned ?? null,
      images: document.querySelectorAll('[data-testid="notebook-view"] img').length,
      scripts: document.querySelectorAll('[data-testid="notebook-view"] script').length,
      strong: document.querySelector('[data-testid="mark-note-text"] strong')?.textContent ?? null,
    }));
    assert.deepEqual(dom, { pwned: null, images: 0, scripts: 0, strong: 'Pool' });
  });

  it('adds a note with no evidence at a hand-set time and reorders it within that time', async () => {
    const [, logMark] = weftJson(caseFile, 'marks');
    // The note's time: the log line's own (T0 + 50 ms; the CLI's JSON numbers are past
    // 2^53, so it is not read back from them), so the two share a time.
    const at = new Date(Number(T0 / MS) + 50).toISOString().replace('T', ' ');
    await $('notebook-add-note').click();
    await fillEditor({ 'mark-note': 'Deploy of payments 3.2.1', 'mark-phase': 'impact', 'mark-time': at });
    await browser.waitUntil(async () => Number(await $('notebook-view').getAttribute('data-count')) === 3, { timeout: 5000 });
    assert.deepEqual((await timeline())[1], ['impact', [['log', 'The pool ran dry.'], ['note', 'Deploy of payments 3.2.1']]]);
    const note = weftJson(caseFile, 'marks').find((mark) => mark.kind === 'note');
    assert.equal(note.at_ns, logMark.at_ns);
    // Alt+Up moves the focused note above the log line of the same time.
    await browser.execute((id) => document.querySelector(`[data-testid="mark-item"][data-mark-id="${id}"]`).focus(), note.id);
    await browser.keys([Key.Alt, Key.ArrowUp]);
    await browser.keys([Key.Alt]);
    await browser.waitUntil(async () => (await timeline())[1][1][0][0] === 'note', { timeout: 5000, timeoutMsg: 'Alt+Up did not move the note' });
    const order = weftJson(caseFile, 'marks').map((mark) => mark.kind);
    assert.deepEqual(order, ['span', 'note', 'log']);
    await saveScreenshot(browser, join(SHOTS, 'notebook-e2e.png'));
  });

  it('exports the HTML report through the save dialog', async () => {
    await $('notebook-export').click();
    await saveInDialog(browser, reportPath, async () => (await $('export-status').isExisting()) && existsSync(reportPath));
    assert.match(await $('export-status').getText(), new RegExp(`Report written to ${reportPath}`));
    const html = readFileSync(reportPath, 'utf8');
    assert.ok(html.includes('Deploy of payments 3.2.1'));
    assert.ok(html.includes('&lt;img src=x onerror'), 'the hostile img is text in the report');
    assert.ok(!html.includes('<img src=x'), 'no img element from the note');
    assert.ok(!/<script/i.test(html), 'no script element in the report');
  });

  it('finds everything after the case is reopened, and a mark of weft mark add after a refresh', async () => {
    await browser.deleteSession();
    browser = await openWindow(driver);
    await settled(browser);
    await showNotebook(3);
    assert.deepEqual(await timeline(), [
      ['detection', [['span', 'Pool exhausted <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>']]],
      ['impact', [['note', 'Deploy of payments 3.2.1'], ['log', 'The pool ran dry.']]],
    ]);
    weft(caseFile, 'mark', 'add', '--query', 'level:error', '--phase', 'mitigation', '--note', 'Raised the pool to 40.');
    await $('notebook-refresh').click();
    await showNotebook(4);
    const shown = await timeline();
    assert.deepEqual(shown.at(-1), ['mitigation', [['search', 'Raised the pool to 40.']]]);
    // Its evidence opens: the search runs.
    await browser.$('[data-testid="mark-item"][data-kind="search"] [data-testid="mark-open"]').click();
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector('[data-testid="search-input"]').value)) === 'level:error', {
      timeout: 5000,
      timeoutMsg: 'the search mark did not run its query',
    });
  });
});
