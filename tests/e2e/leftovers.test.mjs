// Issue 23, point 10 in the real window, checked against the CLI: the Sources table
// names a JSON log's dialect (`clef`), a Zipkin file says why its span count differs
// from the trace list's, and an unparsed count lists those lines with their line
// numbers; the context of a log line closes on a search and on another case; coming
// back to all logs from a log line's trace keeps the scroll position and the expanded
// rows; and the menu bar. The native GTK menus are driven for real by the keyboard
// (F10 opens the menu bar; xdotool types into the X display the window is on), the
// same path a mouse click takes: GTK activates the item, the shell's handler sends
// the window its action. Ctrl+Q quits through File → Quit's accelerator.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, settled, showView, typeInSearch, waitForRows, weft, weftJson, windowOn } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-leftovers-'));
const casePath = join(tmp, 'leftovers.weft');
const otherCase = join(tmp, 'other.weft');
const config = join(tmp, 'config');
const garbage = resolve(ROOT, 'tests/bad_input/garbage_between.jsonl');
const clef = resolve(ROOT, 'tests/fixtures/logs-clef/seqcli__test__SeqCli.EndToEnd__Data__events.clef');
const zipkin = resolve(ROOT, 'tests/fixtures/zipkin-json/zipkin__zipkin-lens__testdata__smartthings-oauth-authorization.json');

before(() => {
  weft(casePath, 'ingest', 'tests/fixtures/demo', garbage, clef, zipkin);
  weft(otherCase, 'ingest', 'tests/fixtures/demo/inventory.log');
  // File → Recent cases lists the other case second (the open one goes first).
  mkdirSync(join(config, 'dev.weft.app'), { recursive: true });
  writeFileSync(join(config, 'dev.weft.app', 'recent-cases.json'), JSON.stringify({ cases: [otherCase, casePath] }));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Presses `keys` on the X display the window is on (xdotool key names). */
function press(...keys) {
  const run = spawnSync('xdotool', ['key', '--delay', '200', ...keys], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

/** Opens menu `index` of the menu bar (0 File, 1 Edit, 2 View, 3 Help) and chooses its item `item` (0-based, separators skipped). */
function chooseFromMenu(index, item) {
  press('F10', ...Array(index).fill('Right'), ...Array(item + 1).fill('Down'), 'Return');
}

const sourceOf = (part) => weftJson(casePath, 'sources').find((source) => source.path.includes(part));

describe('leftovers of issue 23 in the window', () => {
  const app = windowOn(casePath, { env: { XDG_CONFIG_HOME: config } });
  const { $, $$ } = app;

  /** Expands the first log row and shows its context lines. */
  async function openContext() {
    await waitForRows(app.browser, 'log-expand');
    await (await $$('log-expand'))[0].click();
    await $('log-context-open').waitForExist({ timeout: 5000 });
    await $('log-context-open').click();
    await $('log-context').waitForExist({ timeout: 5000 });
  }

  /** The Sources row of the source whose path contains `part`. */
  async function row(part) {
    const { id } = sourceOf(part);
    return app.browser.$(`[data-testid="source-row"][data-source-id="${id}"]`);
  }

  it('names the CLEF file\'s dialect and explains the Zipkin file\'s span count from the case', async () => {
    await showView(app.browser, 'case');
    const source = sourceOf('events.clef');
    assert.equal(source.dialect, 'clef');
    assert.equal(await (await row('events.clef')).$('[data-testid="source-format"]').getText(), 'clef');

    const zipkinSource = sourceOf('smartthings-oauth');
    assert.ok(zipkinSource.zipkin.stored < zipkinSource.spans, 'the file repeats spans');
    const note = await app.browser
      .$(`[data-testid="source-zipkin-note"][data-source-id="${zipkinSource.id}"]`)
      .getText();
    assert.match(note, new RegExp(`${zipkinSource.spans} span records, ${zipkinSource.zipkin.stored} spans in the trace list`));
    assert.match(note, new RegExp(`${zipkinSource.spans - zipkinSource.zipkin.stored} repeated a span already loaded`));
    assert.match(note, new RegExp(`${zipkinSource.zipkin.shared_apart} are server halves of shared spans`));
    // No other source has the note.
    assert.equal((await $$('source-zipkin-note')).length, 1);
  });

  it('lists a source\'s unparsed lines with their line numbers from its count', async () => {
    await showView(app.browser, 'case');
    const source = sourceOf('garbage_between');
    assert.equal(source.unparsed, 3);
    await (await row('garbage_between')).$('[data-testid="source-unparsed-list"]').click();
    await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'logs', { timeout: 5000 });
    await settled(app.browser);
    const query = await $('search-input').getValue();
    assert.equal(query, `source:"${source.path}" unparsed:true`);
    const cli = weftJson(casePath, 'logs', query);
    assert.deepEqual(
      cli.map((log) => log.line),
      [3, 4, 6],
    );
    await waitForRows(app.browser, 'log-row', (n) => n === cli.length);
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-unparsed"]')].map((node) => [node.dataset.line, node.textContent]),
    );
    assert.deepEqual(
      shown,
      cli.map((log) => [String(log.line), `unparsed · line ${log.line}`]),
    );
  });

  it('closes a log line\'s context when a search runs', async () => {
    await typeInSearch(app.browser, 'service:inventory');
    await settled(app.browser);
    await openContext();
    await typeInSearch(app.browser, 'level>=warn');
    await settled(app.browser);
    await $('log-context').waitForExist({ reverse: true, timeout: 5000 });
  });

  it('comes back to all logs from a log line\'s trace with its scroll position and expanded rows', async () => {
    await typeInSearch(app.browser, '');
    await showView(app.browser, 'logs');
    await settled(app.browser);
    await waitForRows(app.browser, 'log-row', (n) => n > 10);
    assert.ok(Number((await $('logs-shown').getText()).replace(/\D/g, '')) > 100, 'a long list');
    // Scroll down, expand a row in view, and pick a row in view whose trace is in the case.
    await app.browser.execute(() => {
      document.querySelector('[data-testid="log-rows"]').scrollTop = 1500;
    });
    await app.browser.pause(300);
    const picked = await app.browser.execute(() => {
      const box = document.querySelector('[data-testid="log-rows"]').getBoundingClientRect();
      const inView = [...document.querySelectorAll('[data-testid="log-row"]')].filter((node) => {
        const rect = node.getBoundingClientRect();
        return rect.top >= box.top && rect.bottom <= box.bottom;
      });
      const withChip = inView.find((node) => node.querySelector('[data-testid="log-chip"]:not([disabled])'));
      return { expand: inView[1].dataset.logId, chip: withChip?.dataset.logId };
    });
    assert.ok(picked.chip, 'a row in view has a trace to open');
    await app.browser.$(`[data-testid="log-row"][data-log-id="${picked.expand}"] [data-testid="log-expand"]`).click();
    await app.browser.pause(200);
    const scrollTop = await app.browser.execute(() => document.querySelector('[data-testid="log-rows"]').scrollTop);
    assert.ok(scrollTop > 1000, `scrolled (${scrollTop})`);

    const isExpanded = (id) =>
      app.browser.execute(
        (logId) =>
          document.querySelector(`[data-testid="log-row"][data-log-id="${logId}"] [data-testid="log-expand"]`)?.getAttribute('aria-label') ===
          'fold',
        id,
      );
    const scrolled = () => app.browser.execute(() => document.querySelector('[data-testid="log-rows"]')?.scrollTop ?? -1);
    const comeBack = async () => {
      await app.browser.waitUntil(async () => !(await $('log-scope').isExisting()), { timeout: 5000 });
      await settled(app.browser);
      await app.browser.waitUntil(async () => Math.abs((await scrolled()) - scrollTop) <= 2, {
        timeout: 5000,
        timeoutMsg: `the rows were not scrolled back to ${scrollTop}`,
      });
      assert.equal(await isExpanded(picked.expand), true, 'the expanded row is still expanded');
    };

    // The log line's chip opens its trace; "All matching logs" comes back.
    await app.browser.$(`[data-testid="log-row"][data-log-id="${picked.chip}"] [data-testid="log-chip"]`).click();
    await $('log-scope').waitForExist({ timeout: 10_000 });
    await settled(app.browser);
    await $('scope-clear').click();
    await comeBack();

    // The Logs view shows the same window, as does Back after opening the trace again.
    await showView(app.browser, 'logs');
    await comeBack();
    await app.browser.$(`[data-testid="log-row"][data-log-id="${picked.chip}"] [data-testid="log-chip"]`).click();
    await $('log-scope').waitForExist({ timeout: 10_000 });
    await settled(app.browser);
    await $('history-back').click();
    await comeBack();
  });

  it('runs View, Help and Edit menu items chosen in the native menu bar', async () => {
    const theme = () => app.browser.execute(() => document.documentElement.dataset.theme);
    // View → Theme: dark (the third item), then Theme: light.
    chooseFromMenu(2, 2);
    await app.browser.waitUntil(async () => (await theme()) === 'dark', { timeout: 5000, timeoutMsg: 'View → Theme: dark' });
    chooseFromMenu(2, 1);
    await app.browser.waitUntil(async () => (await theme()) === 'light', { timeout: 5000, timeoutMsg: 'View → Theme: light' });
    // View → Case (the eleventh item, after Services and Quality) shows the Case view.
    chooseFromMenu(2, 10);
    await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'case', { timeout: 5000 });

    // Help → Formats lists the engine's formats and dialects.
    chooseFromMenu(3, 1);
    await $('help-formats').waitForExist({ timeout: 5000 });
    const formats = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="help-format"]')].map((node) => node.textContent),
    );
    const read = new Set(weftJson(casePath, 'sources').map((source) => source.format));
    for (const format of read) assert.ok(formats.includes(format), `${format} is listed`);
    assert.match(await $('help-dialects').getText(), /\bclef\b/);
    await $('help-close').click();
    await $('help-formats').waitForExist({ reverse: true, timeout: 3000 });

    // Help → About says the version of the build.
    chooseFromMenu(3, 2);
    await $('help-about').waitForExist({ timeout: 5000 });
    const version = readFileSync(join(ROOT, 'src-tauri', 'Cargo.toml'), 'utf8').match(/^version = "(.+)"/m)[1];
    assert.equal(await $('help-version').getText(), version);
    await $('help-close').click();

    // Help → Keyboard shortcuts.
    chooseFromMenu(3, 0);
    await $('shortcuts').waitForExist({ timeout: 5000 });
    await $('shortcuts-close').click();

    // Edit's standard items act on the focused text field: Select All, Copy, Paste
    // (muda types their keys into the window with libxdo).
    const input = () => app.browser.execute(() => document.querySelector('[data-testid="search-input"]').value);
    const setInput = (value) =>
      app.browser.execute((text) => {
        const field = document.querySelector('[data-testid="search-input"]');
        field.value = text;
        field.focus();
      }, value);
    await setInput('menu clipboard');
    chooseFromMenu(1, 3);
    chooseFromMenu(1, 1);
    await app.browser.pause(500);
    await setInput('');
    chooseFromMenu(1, 2);
    await app.browser.waitUntil(async () => (await input()) === 'menu clipboard', {
      timeout: 5000,
      timeoutMsg: 'Edit → Select All, Copy, Paste did not copy the field',
    });
    await app.browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());

    // Edit → Find (after Cut, Copy, Paste, Select All and Copy link) focuses the search box.
    await showView(app.browser, 'logs');
    chooseFromMenu(1, 5);
    await app.browser.waitUntil(
      () => app.browser.execute(() => document.activeElement?.dataset.testid === 'search-input'),
      { timeout: 5000, timeoutMsg: 'Edit → Find did not focus the search box' },
    );
  });

  it('closes a log line\'s context when File → Recent cases opens another case', async () => {
    await typeInSearch(app.browser, '');
    await settled(app.browser);
    await openContext();
    // File → Recent cases (the fifth item) → the second case listed (a submenu opened
    // by the keyboard has its first item selected).
    press('F10', 'Down', 'Down', 'Down', 'Down', 'Down', 'Right', 'Down', 'Return');
    await app.browser.waitUntil(async () => (await $('case-path').getText()) === otherCase, {
      timeout: 10_000,
      timeoutMsg: 'File → Recent cases did not open the other case',
    });
    await settled(app.browser);
    assert.equal(await $('log-context').isExisting(), false);
  });

  it('quits on Ctrl+Q (File → Quit)', async () => {
    press('ctrl+q');
    await app.browser.waitUntil(
      () =>
        app.browser
          .execute(() => 1)
          .then(() => false)
          .catch(() => true),
      { timeout: 10_000, timeoutMsg: 'the window is still there after Ctrl+Q' },
    );
  });
});
