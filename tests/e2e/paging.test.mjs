// The log view on more logs than its window holds: scrolling down reads pages
// after the last row and drops pages from the top, scrolling up reads pages
// before the first row and drops them from the bottom; the DOM and the window
// stay bounded, and both ends are exactly the CLI's first and last logs.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { weft, weftJson, windowOn } from './harness.mjs';

const LINES = 3_000;
/** The log view keeps at most this many rows (ui/src/lib/stores/logs.svelte.ts). */
const WINDOW = 5 * 200;

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-paging-'));
const casePath = join(tmp, 'many.weft');

before(() => {
  const lines = Array.from({ length: LINES }, (_, index) =>
    JSON.stringify({ level: 30, time: 1793700000000 + index * 10, msg: `line ${index + 1}`, service: 'many' }),
  );
  const file = join(tmp, 'many.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  weft(casePath, 'ingest', file);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a log view over more rows than its window', () => {
  const app = windowOn(casePath);

  /** Scrolls the log rows to one end until the window holds that end of the matches. */
  async function scrollToEnd(end) {
    const done = end === 'bottom' ? 'data-complete' : 'data-at-start';
    let most = 0;
    for (let step = 0; step < 100; step++) {
      const state = await app.browser.execute(
        (toBottom, attribute) => {
          const viewport = document.querySelector('[data-testid="log-rows"]');
          viewport.scrollTop = toBottom ? viewport.scrollHeight : 0;
          const view = document.querySelector('[data-testid="log-view"]');
          return {
            done: view.getAttribute(attribute) === 'true' && view.getAttribute('data-loading') !== 'true',
            // The rows the window holds (the header counts every match, not these).
            shown: Number(view.getAttribute('data-rows')),
            inDom: document.querySelectorAll('[data-testid="log-row"]').length,
          };
        },
        end === 'bottom',
        done,
      );
      most = Math.max(most, state.shown);
      assert.ok(state.inDom < 60, `${state.inDom} rows in the DOM`);
      await app.browser.pause(120);
      if (state.done && step > 0) {
        // The last page kept the rows in view in place: now go all the way.
        await app.browser.execute((toBottom) => {
          const viewport = document.querySelector('[data-testid="log-rows"]');
          viewport.scrollTop = toBottom ? viewport.scrollHeight : 0;
        }, end === 'bottom');
        await app.browser.pause(150);
        return most;
      }
    }
    throw new Error(`never reached the ${end}`);
  }

  const edgeRow = (which) =>
    app.browser.execute((first) => {
      const rows = [...document.querySelectorAll('[data-testid="log-row"]')]
        .map((row) => ({ top: row.parentElement.getBoundingClientRect().top, id: Number(row.getAttribute('data-log-id')) }))
        .sort((a, b) => a.top - b.top);
      return (first ? rows[0] : rows.at(-1))?.id;
    }, which === 'first');

  it('reaches the last log and comes back to the first with a bounded window', async () => {
    const logs = weftJson(casePath, 'logs', '--limit', String(LINES));
    assert.equal(logs.length, LINES);
    const mostDown = await scrollToEnd('bottom');
    assert.equal(await edgeRow('last'), logs.at(-1).id);
    const mostUp = await scrollToEnd('top');
    assert.equal(await edgeRow('first'), logs[0].id);
    assert.ok(Math.max(mostDown, mostUp) <= WINDOW, `at most ${WINDOW} rows held, saw ${Math.max(mostDown, mostUp)}`);
  });

  /** Waits until the log view is done loading and holds `attribute` = true. */
  async function settled(attribute) {
    await app.browser.waitUntil(
      () =>
        app.browser.execute((name) => {
          const view = document.querySelector('[data-testid="log-view"]');
          return view.getAttribute(name) === 'true' && view.getAttribute('data-loading') !== 'true';
        }, attribute),
      { timeout: 10_000, interval: 100, timeoutMsg: `log view never ${attribute}` },
    );
    await app.browser.pause(150);
  }

  it('jumps to the last line and back to the first (buttons, then End / Home)', async () => {
    const logs = weftJson(casePath, 'logs', '--limit', String(LINES));
    await (await app.browser.$('[data-testid="logs-jump-end"]')).click();
    await settled('data-complete');
    assert.equal(await edgeRow('last'), logs.at(-1).id);
    // One page held, from the end; the header counts every match, exactly.
    assert.equal(Number(await (await app.browser.$('[data-testid="log-view"]')).getAttribute('data-rows')), 200);
    const shown = await app.browser.$('[data-testid="logs-shown"]');
    const text = await shown.getText();
    assert.match(text, /^\d[\d\u2009 ]* lines$/, 'a plain count, no "+" or "at least"');
    assert.equal(Number(text.replace(/[^\d]/g, '')), LINES);
    assert.deepEqual([await shown.getAttribute('data-tally'), Number(await shown.getAttribute('data-count'))], ['exact', LINES]);
    await (await app.browser.$('[data-testid="logs-jump-start"]')).click();
    await settled('data-at-start');
    assert.equal(await edgeRow('first'), logs[0].id);
    // The keys, with the focus on a button of the log view.
    await app.browser.execute(() => document.querySelector('[data-testid="logs-jump-start"]').focus());
    await app.browser.keys('End');
    await settled('data-complete');
    assert.equal(await edgeRow('last'), logs.at(-1).id);
    await app.browser.keys('Home');
    await settled('data-at-start');
    assert.equal(await edgeRow('first'), logs[0].id);
  });
});
