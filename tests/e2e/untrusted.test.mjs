// Issue 23, points 1 and 9, in the real window: log messages shown whole and
// untrusted text shown faithfully. The case holds tests/fixtures/issue23 (a
// multi-line PoolTimeoutError stack trace, a 50 KB line, a 20 KB attribute value,
// ANSI colours, control, bidi and zero-width characters, emoji and CJK).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { ROOT, settled, showView, typeInSearch, waitForRows, weft, weftJson, windowOn } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-untrusted-'));
const casePath = join(tmp, 'issue23.weft');
const FIXTURE = join(ROOT, 'tests/fixtures/issue23');

before(() => weft(casePath, 'ingest', FIXTURE));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The text on the X clipboard of the window's display. */
function clipboard() {
  return JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'tests/e2e/clipboard.py')], { encoding: 'utf8', timeout: 10_000 }));
}

/** The log of the case whose body starts with `start` (the CLI's view of it). */
function logStarting(start) {
  const log = weftJson(casePath, 'logs', 'service:checkout', '--limit', '100').find((entry) => entry.body.startsWith(start));
  assert.ok(log, `a log starting with ${start}`);
  return log;
}

describe('log messages and untrusted text in the window', () => {
  const app = windowOn(casePath);
  const { $ } = app;
  const row = (id) => `[data-testid="log-row"][data-log-id="${id}"]`;

  /** What the page shows of the log row `id`: its collapsed body, marker, and expanded body. */
  const shownRow = (id) =>
    app.browser.execute((selector) => {
      const node = document.querySelector(selector);
      if (!node) return null;
      const full = node.querySelector('[data-testid="log-full-body"]');
      return {
        body: node.querySelector('[data-testid="log-body"]').textContent,
        moreLines: node.querySelector('[data-testid="log-more-lines"]')?.textContent ?? null,
        full: full ? full.innerText : null,
        fullText: full ? full.querySelector('.untrusted').textContent : null,
        folded: full ? full.querySelector('.untrusted').getAttribute('data-folded') : null,
        showAll: full?.querySelector('[data-testid="show-all"]')?.textContent ?? null,
        bottom: node.parentElement.getBoundingClientRect().bottom,
        contentBottom: node.firstElementChild.getBoundingClientRect().bottom,
      };
    }, row(id));

  /** The top of the slot of the row after log row `id`. */
  const nextTop = (id) =>
    app.browser.execute((selector) => {
      const slot = document.querySelector(selector).parentElement;
      const tops = [...slot.parentElement.children].map((child) => child.getBoundingClientRect().top).sort((a, b) => a - b);
      return tops.find((top) => top > slot.getBoundingClientRect().top + 1) ?? null;
    }, row(id));

  it('marks a collapsed multi-line message and shows it whole, line by line, when expanded', async () => {
    await showView(app.browser, 'logs');
    await typeInSearch(app.browser, 'service:checkout');
    await settled(app.browser);
    await waitForRows(app.browser, 'log-row', (count) => count === 9);
    const stack = logStarting('PoolTimeoutError');
    const lines = stack.body.split('\n');
    assert.equal(lines.length, 10);
    let shown = await shownRow(stack.id);
    assert.equal(shown.body, lines[0], 'the collapsed row shows the first line');
    assert.equal(shown.moreLines, '+9 lines');
    const plain = logStarting('checkout started');
    assert.equal((await shownRow(plain.id)).moreLines, null, 'a one-line message has no marker');

    await app.browser.$(`${row(stack.id)} [data-testid="log-expand"]`).click();
    await app.browser.waitUntil(async () => (await shownRow(stack.id)).full !== null, { timeout: 5000 });
    shown = await shownRow(stack.id);
    assert.equal(shown.fullText, stack.body, 'the whole message, not cut');
    assert.deepEqual(shown.full.split('\n'), lines, 'with its line breaks');
    assert.ok(shown.full.includes('(/app/src/orders/repository.js:142:20)'));
    // The variable-height row pushes the next one down: nothing overlaps.
    await app.browser.waitUntil(async () => {
      const now = await shownRow(stack.id);
      return Math.abs(now.bottom - now.contentBottom) <= 2;
    }, { timeout: 5000, timeoutMsg: 'the row did not take the height of its content' });
    shown = await shownRow(stack.id);
    assert.ok((await nextTop(stack.id)) >= shown.contentBottom - 2, 'the next row starts below the expanded one');
  });

  it('copies the original message', async () => {
    const stack = logStarting('PoolTimeoutError');
    await app.browser.$(`${row(stack.id)} [data-testid="log-copy"]`).click();
    await app.browser.waitUntil(async () => (await app.browser.$(`${row(stack.id)} [data-testid="log-copy"]`).getText()) === 'Copied', { timeout: 3000 });
    assert.equal(clipboard(), stack.body);
  });

  it('copies a selection with the original characters, not the markers', async () => {
    const bidi = logStarting('uploaded attachment');
    await app.browser.execute((selector) => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector(`${selector} [data-testid="log-body"] .untrusted`));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }, row(bidi.id));
    await app.browser.keys([Key.Ctrl, 'c']);
    await app.browser.waitUntil(() => clipboard() === bidi.body, {
      timeout: 5000,
      timeoutMsg: `the clipboard holds ${JSON.stringify(clipboard())}, not the original`,
    });
    await app.browser.execute(() => window.getSelection().removeAllRanges());
  });

  it('folds the 50 KB line and shows all of it on demand, scrolling staying right', async () => {
    const big = logStarting('cart payload rejected');
    assert.ok(big.body.length > 50 * 1024);
    await app.browser.$(`${row(big.id)} [data-testid="log-expand"]`).click();
    await app.browser.waitUntil(async () => (await shownRow(big.id))?.full !== null, { timeout: 5000 });
    let shown = await shownRow(big.id);
    assert.equal(shown.folded, 'true');
    assert.equal(shown.showAll, 'show all 50 KB');
    assert.ok(shown.fullText.length < 5000, `folded: ${shown.fullText.length} characters shown`);
    assert.ok(big.body.startsWith(shown.fullText.replace(/….*$/s, '')));

    await app.browser.$(`${row(big.id)} [data-testid="show-all"]`).click();
    await app.browser.waitUntil(async () => (await shownRow(big.id)).folded === 'false', { timeout: 5000 });
    shown = await shownRow(big.id);
    assert.equal(shown.fullText, big.body, 'the whole 50 KB line');
    assert.ok(shown.full.includes('END-OF-PAYLOAD'));
    await app.browser.waitUntil(async () => {
      const now = await shownRow(big.id);
      return Math.abs(now.bottom - now.contentBottom) <= 2;
    }, { timeout: 5000, timeoutMsg: 'the shown-all row did not take its height' });

    // Scrolled to the end, the last line is there and in view; back at the top, the first.
    const last = logStarting('retry plan');
    await app.browser.execute(() => {
      const rows = document.querySelector('[data-testid="log-rows"]');
      rows.scrollTop = rows.scrollHeight;
    });
    await app.browser.waitUntil(
      () =>
        app.browser.execute((selector) => {
          const node = document.querySelector(selector);
          const box = document.querySelector('[data-testid="log-rows"]').getBoundingClientRect();
          if (!node) return false;
          const rect = node.getBoundingClientRect();
          return rect.top >= box.top - 1 && rect.top + 24 <= box.bottom + 1;
        }, row(last.id)),
      { timeout: 5000, timeoutMsg: 'the last line is not in view at the end' },
    );
    // The big row, still expanded and whole after scrolling out and back.
    await app.browser.execute(() => {
      document.querySelector('[data-testid="log-rows"]').scrollTop = 0;
    });
    await app.browser.waitUntil(async () => (await shownRow(big.id))?.folded === 'false', { timeout: 5000 });
  });

  it('shows ANSI colours as colour, and control, bidi and zero-width characters as markers', async () => {
    const ansi = logStarting('\u001b[32mGET');
    const bidi = logStarting('uploaded attachment');
    const control = logStarting('terminal bell');
    const emoji = logStarting('order confirmed');
    const rows = await app.browser.execute((ids) =>
      ids.map((id) => {
        const node = document.querySelector(`[data-testid="log-row"][data-log-id="${id}"] [data-testid="log-body"]`);
        const red = node.querySelector('.ansi-fg-1');
        return {
          text: node.textContent,
          marks: [...node.querySelectorAll('[data-testid="untrusted-mark"]')].map((mark) => [mark.textContent, mark.title]),
          redColour: red ? getComputedStyle(red).color : null,
          plainColour: getComputedStyle(node).color,
        };
      }), [ansi.id, bidi.id, control.id, emoji.id]);
    const [ansiRow, bidiRow, controlRow, emojiRow] = rows;
    assert.equal(ansiRow.text, 'GET /api/cart 502 in 5012ms', 'no escape codes as text');
    assert.ok(ansiRow.redColour && ansiRow.redColour !== ansiRow.plainColour, `502 is coloured: ${ansiRow.redColour}`);
    assert.equal(bidiRow.text, 'uploaded attachment evil⟨RLO⟩exe.txt from user⟨ZWSP⟩ admin⟨WJ⟩ (bom ⟨BOM⟩)');
    assert.deepEqual(bidiRow.marks[0], ['⟨RLO⟩', 'U+202E RIGHT-TO-LEFT OVERRIDE (invisible)']);
    assert.equal(controlRow.text, 'terminal bell ⟨BEL⟩, nul ⟨NUL⟩, delete ⟨DEL⟩ and C1 ⟨CSI⟩ in a log line');
    assert.deepEqual(controlRow.marks.map(([label]) => label), ['⟨BEL⟩', '⟨NUL⟩', '⟨DEL⟩', '⟨CSI⟩']);
    assert.equal(emojiRow.text, emoji.body, 'emoji (with their joiners) and CJK as they are');
    assert.deepEqual(emojiRow.marks, []);
    // No invisible character reached the page's text.
    const text = await app.browser.execute(() => document.body.textContent);
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
  });

  it('folds a 20 KB attribute value in a log row and in the span details, and marks span names', async () => {
    const token = logStarting('session token attached');
    await app.browser.$(`${row(token.id)} [data-testid="log-expand"]`).click();
    const value = `${row(token.id)} [data-testid="log-attributes"] [data-testid="json-string"]`;
    await app.browser.waitUntil(async () => (await app.browser.$$(value)).length >= 2, { timeout: 5000 });
    const folded = await app.browser.execute((selector) => {
      const strings = [...document.querySelectorAll(selector)];
      const long = strings.find((node) => node.querySelector('[data-testid="show-all"]'));
      const box = document.querySelector('[data-testid="log-rows"]');
      return long ? { label: long.querySelector('[data-testid="show-all"]').textContent, chars: long.textContent.length, overflow: box.scrollWidth - box.clientWidth } : null;
    }, value);
    assert.ok(folded, 'the long value is folded');
    assert.equal(folded.label, 'show all 20 KB');
    assert.ok(folded.chars < 2000, `${folded.chars} characters shown`);
    assert.ok(folded.overflow <= 1, 'nothing overflows the log rows sideways');

    // The trace: span names marked, the 20 KB value folded in the details, and its pane not overflowing.
    await typeInSearch(app.browser, '');
    await settled(app.browser);
    await showView(app.browser, 'traces');
    await app.browser.$('[data-testid="trace-row"] td').click();
    await waitForRows(app.browser, 'span-row', (count) => count === 2);
    const names = await app.browser.execute(() => [...document.querySelectorAll('[data-testid="span-row"] .name')].map((node) => node.textContent));
    assert.deepEqual(names, ['POST /api/checkout 🛒', 'pool.acquire orders⟨ZWSP⟩-primary']);
    await (await app.browser.$$('[data-testid="span-row"]'))[0].click();
    await $('span-details').waitForExist({ timeout: 5000 });
    const details = await app.browser.execute(() => {
      const pane = document.querySelector('[data-testid="span-details"]');
      return {
        text: pane.textContent,
        showAll: [...pane.querySelectorAll('[data-testid="show-all"]')].map((node) => node.textContent),
        overflow: pane.scrollWidth - pane.clientWidth,
      };
    });
    assert.ok(details.text.includes('"evil⟨RLO⟩exe.txt"'));
    assert.ok(details.text.includes('WARN beep⟨BEL⟩'), 'the ANSI banner without its escapes, the bell marked');
    assert.deepEqual(details.showAll, ['show all 20 KB']);
    assert.ok(details.overflow <= 1, `the details pane does not overflow sideways (${details.overflow}px)`);
    await $('show-all').click();
    const whole = weftJson(casePath, 'trace', '4bf92f3577b34da6a3ce929d0e0e4736').spans.find((span) => span.parent_span_id === null)
      .attributes['session.token'];
    await app.browser.waitUntil(
      () => app.browser.execute((expected) => document.querySelector('[data-testid="span-details"]').textContent.includes(expected), whole),
      { timeout: 5000, timeoutMsg: 'show all did not show the whole value' },
    );
  });

  it('shows a multi-line message whole in the logs pane of a trace', async () => {
    const stack = logStarting('PoolTimeoutError');
    await (await app.browser.$$('[data-testid="span-row"]'))[1].click();
    await app.browser.waitUntil(async () => (await app.browser.$(`[data-testid="logs-pane"] ${row(stack.id)}`).isExisting()), { timeout: 5000 });
    const pane = `[data-testid="logs-pane"] ${row(stack.id)}`;
    assert.equal(await app.browser.$(`${pane} [data-testid="log-more-lines"]`).getText(), '+9 lines');
    await app.browser.$(`${pane} [data-testid="log-expand"]`).click();
    await app.browser.$(`${pane} [data-testid="log-full-body"]`).waitForExist({ timeout: 5000 });
    const full = await app.browser.execute((selector) => document.querySelector(`${selector} [data-testid="log-full-body"]`).innerText, pane);
    assert.deepEqual(full.split('\n'), stack.body.split('\n'));
  });
});
