// The command palette, the themes and the time switch (issue 14) in the real window,
// on a case made from the demo incident. Expected times come from the CLI's `--json`.
// These windows keep their localStorage (where the settings live) in a folder of their
// own, so what they switch never reaches the windows of other tests.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { SHOTS, settled, weft, weftJson, windowOn, withWindow, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-look-'));
const casePath = join(tmp, 'demo.weft');
// A zone with a half-hour offset and no daylight saving: local times differ from UTC
// in a way no rounding explains.
const ENV = { XDG_DATA_HOME: join(tmp, 'data'), TZ: 'Asia/Kolkata' };

/** A Unix time (ns) as the window shows it in UTC and in Asia/Kolkata (+05:30). */
const utc = (ns) => new Date(Math.floor(ns / 1e6)).toISOString().replace('T', ' ');
const kolkata = (ns) =>
  new Date(Math.floor(ns / 1e6) + 330 * 60_000).toISOString().replace('T', ' ').replace('Z', '+05:30');

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', 'tests/fixtures/demo');
});

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the command palette and the time switch', () => {
  const app = windowOn(casePath, { env: ENV });
  const { $ } = app;
  const htmlTheme = () => app.browser.execute(() => document.documentElement.dataset.theme);
  const focused = () => app.browser.execute(() => document.activeElement?.getAttribute('data-testid') ?? null);

  it('opens with Ctrl+K, filters as you type and runs the picked action with Enter', async () => {
    await settled(app.browser);
    assert.equal(await htmlTheme(), 'light');
    await app.browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await app.browser.keys([Key.Ctrl, 'k']);
    await $('palette').waitForExist({ timeout: 3000 });
    assert.equal(await focused(), 'palette-input');
    const all = await app.browser.$$('[data-testid="palette-item"]');
    assert.ok(all.length >= 10, `every action is listed (${all.length})`);
    await app.browser.keys([...'theme dark']);
    await app.browser.waitUntil(
      async () => (await $('palette-item').getAttribute('data-action-id')) === 'theme.dark',
      { timeout: 3000, timeoutMsg: '"theme dark" does not put "Theme: dark" first' },
    );
    await saveScreenshot(app.browser, join(SHOTS, 'palette.png'));
    await app.browser.keys(['Enter']);
    await $('palette').waitForExist({ reverse: true, timeout: 3000 });
    assert.equal(await htmlTheme(), 'dark');
    assert.equal(await $('theme-dark').getAttribute('aria-checked'), 'true');

    // ↓ moves the pick; Escape closes without running anything.
    await app.browser.keys([Key.Ctrl, 'k']);
    await $('palette').waitForExist({ timeout: 3000 });
    await app.browser.keys([...'theme']);
    await app.browser.keys(['ArrowDown']);
    assert.equal(await app.browser.$('[data-testid="palette-item"][aria-selected="true"]').getAttribute('data-index'), '1');
    await app.browser.keys(['Escape']);
    await $('palette').waitForExist({ reverse: true, timeout: 3000 });
    assert.equal(await htmlTheme(), 'dark');

    // A shortcut runs its action without the palette: Ctrl+Shift+L toggles the theme.
    await app.browser.keys([Key.Ctrl, Key.Shift, 'l']);
    await app.browser.waitUntil(async () => (await htmlTheme()) === 'light', {
      timeout: 3000,
      timeoutMsg: 'Ctrl+Shift+L did not toggle the theme',
    });
    await $('theme-system').click();
  });

  it('`?` shows every shortcut, but types a ? in a text field', async () => {
    await $('search-input').click();
    await app.browser.keys(['?']);
    assert.equal(await $('shortcuts').isExisting(), false);
    assert.equal(await $('search-input').getValue(), '?');
    await app.browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await app.browser.keys(['?']);
    await $('shortcuts').waitForExist({ timeout: 3000 });
    const palette = await app.browser.$('[data-testid="shortcut-key"][data-action-id="palette.open"]').getText();
    assert.equal(palette, 'Ctrl+K');
    await app.browser.keys(['Escape']);
    await $('shortcuts').waitForExist({ reverse: true, timeout: 3000 });
    // `/` (another plain key, outside a text field) goes to the search box.
    await app.browser.keys(['/']);
    assert.equal(await focused(), 'search-input');
  });

  it('the time switch changes the times shown: UTC, local, relative to the open trace', async () => {
    const trace = weftJson(casePath, 'traces', '--limit', '20').find((summary) => summary.logs > 0);
    assert.ok(trace, 'the demo has a trace with logs');
    const row = `[data-testid="trace-row"][data-trace-id="${trace.trace_id}"]`;
    const startCell = () => app.browser.$(`${row} [data-testid="trace-start"]`).getText();
    const logTimes = () =>
      app.browser.execute(() =>
        [...document.querySelectorAll('[data-testid="log-row"] .time')].map((node) => node.textContent),
      );
    const firstTick = () =>
      app.browser.execute(() => document.querySelector('[data-testid="axis-tick"]').textContent);

    assert.equal(await $('time-switch').getAttribute('data-mode'), 'utc');
    assert.equal(await startCell(), utc(trace.start_ns));
    await $('time-local').click();
    assert.equal(await startCell(), kolkata(trace.start_ns));
    assert.match(await $('sort-start').getText(), /^Start \(local\)/);

    // Relative: a list of traces has no one origin, so it stays on the local clock;
    // the open trace's log lines, span start and axis count from the trace's start.
    await $('time-relative').click();
    assert.equal(await startCell(), kolkata(trace.start_ns));
    await app.browser.$(`${row} td`).scrollIntoView({ block: 'center' });
    await app.browser.$(`${row} td`).click();
    await $('waterfall').waitForExist({ timeout: 5000 });
    await settled(app.browser);
    const relative = await logTimes();
    assert.ok(relative.length > 0, 'the trace shows its logs');
    assert.ok(relative.every((time) => /^[+-]\d/.test(time)), `relative times, not ${relative.join(', ')}`);
    assert.equal(await firstTick(), '0');
    const root = weftJson(casePath, 'trace', trace.trace_id).spans.find((span) => !span.parent_span_id);
    await app.browser.$(`[data-testid="span-row"][data-span-id="${root.span_id}"]`).click();
    await $('span-details').waitForExist({ timeout: 3000 });
    const spanStart = await $('span-start').getText();
    if (root.start_ns === trace.start_ns) assert.equal(spanStart, '+0ns');
    else assert.match(spanStart, /^\+\d/);
    await saveScreenshot(app.browser, join(SHOTS, 'times-relative.png'));

    // UTC again, by the shortcut that cycles the modes (relative → UTC).
    await app.browser.keys([Key.Ctrl, Key.Shift, 'u']);
    await app.browser.waitUntil(async () => (await $('time-switch').getAttribute('data-mode')) === 'utc', {
      timeout: 3000,
      timeoutMsg: 'Ctrl+Shift+U did not move on to UTC',
    });
    const absolute = await logTimes();
    assert.ok(absolute.every((time) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/.test(time)), absolute.join(', '));
    assert.equal(await firstTick(), utc(trace.start_ns).slice(11));
    assert.equal(await $('span-start').getText(), utc(root.start_ns));
  });
});

describe('themes', () => {
  const background = (session) =>
    session.execute(() => getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number));
  const isDark = ([red, green, blue]) => red + green + blue < 3 * 64;

  it('follows the OS in dark mode; the switch overrides it and is remembered', async () => {
    const env = { WEFT_CASE: casePath, GTK_THEME: 'Adwaita:dark', XDG_DATA_HOME: join(tmp, 'themes-dark') };
    await withWindow(env, [], async (session) => {
      assert.equal(await session.execute(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
      assert.equal(await session.execute(() => document.documentElement.dataset.theme), 'dark');
      assert.ok(isDark(await background(session)), 'a dark background');
      await session.$('[data-testid="theme-light"]').click();
      assert.equal(await session.execute(() => document.documentElement.dataset.theme), 'light');
      assert.ok(!isDark(await background(session)), 'a light background although the OS prefers dark');
      await saveScreenshot(session, join(SHOTS, 'light-over-dark-os.png'));
      // WebKit writes localStorage to disk a moment later, and ending the session
      // kills the app: give it that moment.
      await session.pause(2000);
    });
    // The app started again on the same profile keeps the choice over the OS's preference.
    await withWindow(env, [], async (session) => {
      assert.equal(await session.$('[data-testid="theme-light"]').getAttribute('aria-checked'), 'true');
      assert.equal(await session.execute(() => document.documentElement.dataset.theme), 'light');
      assert.ok(!isDark(await background(session)), 'the light theme was remembered');
      await session.$('[data-testid="theme-system"]').click();
      assert.ok(isDark(await background(session)), 'back to the OS: dark');
    });
  });

  it('follows the OS in light mode; the switch makes it dark', async () => {
    const env = { WEFT_CASE: casePath, GTK_THEME: 'Adwaita', XDG_DATA_HOME: join(tmp, 'themes-light') };
    await withWindow(env, [], async (session) => {
      assert.equal(await session.execute(() => document.documentElement.dataset.theme), 'light');
      assert.ok(!isDark(await background(session)), 'a light background');
      await session.$('[data-testid="theme-dark"]').click();
      assert.ok(isDark(await background(session)), 'a dark background once the switch says dark');
      await saveScreenshot(session, join(SHOTS, 'dark-by-switch.png'));
    });
  });
});
