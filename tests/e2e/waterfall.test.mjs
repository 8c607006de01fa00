// The waterfall (issue 23, points 7 and 8) in the real window, on a case the CLI
// made from the demo incident, checked against the CLI's `--json` of the trace:
// the focus model by keyboard alone (select, up to the parent, collapse: the
// details move to the visible ancestor, and every key goes on working; expand,
// find with `/` and back with Escape, Enter on a span), then what Jaeger users
// look for: kind, parent id and clock start in the details, durations beside the
// bars, find over resource attributes, and a zoom shown in the minimap with
// spans outside it as edge markers.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Key } from 'webdriverio';
import { SHOTS, settled, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-waterfall-'));
const casePath = join(tmp, 'demo.weft');
const utc = (ns) => new Date(Math.floor(ns / 1e6)).toISOString().replace('T', ' ');

/** The trace to walk: one with a span whose parent is two rows above it (a sibling between). */
let trace = null;
/** Its spans in tree order (as the waterfall shows them expanded), with their depth. */
let ordered = [];

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', 'tests/fixtures/demo');
  for (const summary of weftJson(casePath, 'traces')) {
    const { spans } = weftJson(casePath, 'trace', summary.trace_id);
    const children = new Map();
    for (const span of spans) {
      const siblings = children.get(span.parent_span_id ?? null) ?? [];
      siblings.push(span);
      children.set(span.parent_span_id ?? null, siblings);
    }
    const out = [];
    const walk = (parent, depth) => {
      for (const span of (children.get(parent) ?? []).sort((a, b) => a.start_ns - b.start_ns)) {
        out.push({ ...span, depth });
        walk(span.span_id, depth + 1);
      }
    };
    walk(null, 0);
    const at = out.findIndex((span, index) => index >= 2 && out[index - 2].span_id === span.parent_span_id && span.depth >= 2);
    if (at >= 0 && out.some((span) => span.depth >= 3)) {
      trace = summary;
      ordered = out;
      break;
    }
  }
  assert.ok(trace, 'the demo has a trace with a span two rows below its parent');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the waterfall', () => {
  const app = windowOn(casePath);
  const { $ } = app;
  const browser = () => app.browser;
  const press = (...keys) => browser().keys(keys);

  /** What is on screen: focused element, rows, focused row, details span, scroll positions. */
  const state = () =>
    browser().execute(() => {
      const node = document.activeElement;
      const rows = [...document.querySelectorAll('[data-testid="span-row"]')];
      const scrolled = [document.scrollingElement, ...document.querySelectorAll('*')]
        .filter((element) => element && element.scrollTop > 0 && !element.closest('[data-testid="span-rows"]'))
        .map((element) => element.getAttribute('data-testid') ?? element.className ?? element.tagName);
      return {
        focused: node?.getAttribute('data-testid') ?? (node === document.body ? 'BODY' : node?.tagName ?? null),
        inWaterfall: Boolean(node?.closest('[data-testid="waterfall"]')),
        rows: rows.map((row) => row.getAttribute('data-span-id')),
        focusRow: rows.find((row) => row.getAttribute('data-focused') === 'true')?.getAttribute('data-span-id') ?? null,
        details: document.querySelector('[data-testid="span-details"]')?.getAttribute('data-span-id') ?? null,
        scrolled,
      };
    });

  async function waitFor(check, timeoutMsg) {
    await browser().waitUntil(check, { timeout: 10_000, timeoutMsg });
  }

  /** Holds after every step: the keyboard is in the waterfall and the details show a visible span. */
  async function sound(what) {
    const now = await state();
    assert.ok(now.inWaterfall, `${what}: the focus left the waterfall (${now.focused})`);
    if (now.details !== null) assert.ok(now.rows.includes(now.details), `${what}: the details show a hidden span`);
    assert.deepEqual(now.scrolled, [], `${what}: something scrolled the page`);
    return now;
  }

  it('opens the trace by keyboard, the focus in the span tree', async () => {
    await settled(browser());
    for (let step = 0; step < 80; step++) {
      const testid = await browser().execute(() => document.activeElement?.getAttribute('data-testid'));
      if (testid === 'trace-row') break;
      await press(Key.Tab);
    }
    for (let step = 0; step < 60; step++) {
      const focused = await browser().execute(() => document.activeElement?.getAttribute('data-trace-id'));
      if (focused === trace.trace_id) break;
      await press(Key.ArrowDown);
    }
    assert.equal(await browser().execute(() => document.activeElement?.getAttribute('data-trace-id')), trace.trace_id);
    await press(Key.Enter);
    await waitFor(
      async () => (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === trace.trace_id,
      'Enter did not open the trace',
    );
    await settled(browser());
    await waitFor(async () => (await state()).focused === 'span-tree', 'the span tree did not get the focus');
    assert.deepEqual((await state()).rows, ordered.map((span) => span.span_id));
  });

  it('select a span, ↑ ↑ to its parent, ← collapses it: the details move to the parent and →, /, ↓ and Enter work', async () => {
    const at = ordered.findIndex((span, index) => index >= 2 && ordered[index - 2].span_id === span.parent_span_id && span.depth >= 2);
    const child = ordered[at];
    const parent = ordered[at - 2];
    for (let step = 0; step < at; step++) await press(Key.ArrowDown);
    await press(Key.Enter);
    await waitFor(async () => (await state()).details === child.span_id, 'Enter did not select the span');
    await sound('select');
    await press(Key.ArrowUp);
    await press(Key.ArrowUp);
    assert.equal((await state()).focusRow, parent.span_id, '↑ ↑ did not reach the parent');
    await press(Key.ArrowLeft);
    await waitFor(async () => !(await state()).rows.includes(child.span_id), '← did not collapse the parent');
    await waitFor(async () => (await state()).details === parent.span_id, 'the details kept the hidden span');
    await waitFor(async () => (await $('log-scope').getAttribute('data-span-id')) === parent.span_id, 'the logs did not follow');
    let now = await sound('collapse');
    assert.equal(now.focusRow, parent.span_id);
    // → expands it again.
    await press(Key.ArrowRight);
    await waitFor(async () => (await state()).rows.includes(child.span_id), '→ did not expand the parent');
    now = await sound('expand');
    assert.equal(now.focusRow, parent.span_id);
    assert.equal(now.details, parent.span_id, 'expanding does not change the selection');
    // ↓ moves to the parent's first child, Enter selects it without scrolling anything.
    await press(Key.ArrowDown);
    const firstChild = ordered[at - 1];
    assert.equal((await state()).focusRow, firstChild.span_id);
    await press(Key.Enter);
    await waitFor(async () => (await state()).details === firstChild.span_id, 'Enter did not select the first child');
    await sound('enter');
    // / goes to the find box; Escape comes back to the tree, on the same row.
    await press('/');
    await waitFor(async () => (await state()).focused === 'span-find', '/ did not focus the find box');
    await press(Key.Escape);
    await waitFor(async () => (await state()).focused === 'span-tree', 'Escape did not go back to the tree');
    now = await sound('escape');
    assert.equal(now.focusRow, firstChild.span_id);
    await saveScreenshot(browser(), join(SHOTS, 'waterfall-keyboard.png'));
  });

  it('after a click on a span, ↑ ↑ and ← collapse its parent and the keys go on working', async () => {
    const at = ordered.findIndex((span, index) => index >= 2 && ordered[index - 2].span_id === span.parent_span_id && span.depth >= 2);
    const child = ordered[at];
    const parent = ordered[at - 2];
    await browser().$(`[data-testid="span-row"][data-span-id="${child.span_id}"] .name`).click();
    await waitFor(async () => (await state()).details === child.span_id, 'the click did not select the span');
    let now = await sound('click');
    assert.equal(now.focused, 'span-tree', 'the tree keeps the keyboard after a click');
    assert.equal(now.focusRow, child.span_id);
    await press(Key.ArrowUp);
    await press(Key.ArrowUp);
    await press(Key.ArrowLeft);
    await waitFor(async () => (await state()).details === parent.span_id, 'the details kept the hidden span');
    now = await sound('collapse after a click');
    assert.equal(now.focused, 'span-tree');
    await press(Key.ArrowRight);
    await waitFor(async () => (await state()).rows.includes(child.span_id), '→ did not expand the parent');
    await press(Key.ArrowDown);
    await press(Key.Enter);
    await waitFor(async () => (await state()).details === ordered[at - 1].span_id, '↓ and Enter did not select the next span');
    await sound('enter after a click');
  });

  it('collapses and expands the whole tree by keyboard, the details always on a visible span', async () => {
    // ← on a leaf goes to its parent, ← again collapses it; up to the root and collapse it.
    const deepest = ordered.findIndex((span) => span.depth === Math.max(...ordered.map((s) => s.depth)));
    // Walk to the deepest span from where the focus is.
    let now = await state();
    let index = now.rows.indexOf(now.focusRow);
    while (index < deepest) {
      await press(Key.ArrowDown);
      index++;
    }
    while (index > deepest) {
      await press(Key.ArrowUp);
      index--;
    }
    await press(Key.Enter);
    await waitFor(async () => (await state()).details === ordered[deepest].span_id, 'Enter did not select the deepest span');
    for (let depth = ordered[deepest].depth; depth > 0; depth--) {
      await press(Key.ArrowLeft); // to the parent
      await press(Key.ArrowLeft); // collapse it
      now = await sound(`collapse at depth ${depth - 1}`);
    }
    now = await state();
    assert.deepEqual(now.rows, [ordered[0].span_id], 'only the root is left');
    assert.equal(now.details, ordered[0].span_id, 'the selection went up to the root');
    // → expands one level at a time, → again moves to the first child.
    await press(Key.ArrowRight);
    await waitFor(async () => (await state()).rows.length > 1, '→ did not expand the root');
    await press(Key.ArrowRight);
    assert.equal((await state()).focusRow, ordered[1].span_id);
    await press(Key.ArrowRight);
    await waitFor(async () => (await state()).rows.length > 2, '→ did not expand the child');
    await sound('expanded again');
    // The window's E expands all.
    await press('e');
    await waitFor(async () => (await state()).rows.length === ordered.length, 'E did not expand all');
    await sound('expand all');
  });

  it('finds a span by a resource attribute with /, Enter goes to the match, Escape back, Enter selects it', async () => {
    // A resource value no span attribute, name or service has.
    const target = ordered.find((span) => span.depth >= 2 && typeof span.resource?.['host.name'] === 'string');
    assert.ok(target, 'a span with a host.name resource attribute');
    const host = target.resource['host.name'];
    const expected = ordered.filter((span) => span.resource?.['host.name'] === host).map((span) => span.span_id);
    await press('/');
    await waitFor(async () => (await state()).focused === 'span-find', '/ did not focus the find box');
    await browser().keys([...host]);
    await waitFor(async () => (await $('span-find-count').isExisting()) && (await $('span-find-count').getText()) === (expected.length === 1 ? '1 match' : `${expected.length} matches`), 'the resource attribute did not match');
    const matched = await browser().execute(() =>
      [...document.querySelectorAll('[data-testid="span-row"][data-matched="true"]')].map((row) => row.getAttribute('data-span-id')),
    );
    assert.deepEqual(matched.sort(), [...expected].sort());
    await press(Key.Enter);
    await waitFor(async () => expected.includes((await state()).focusRow), 'Enter in the find box did not go to a match');
    const match = (await state()).focusRow;
    await press(Key.Escape);
    await waitFor(async () => (await state()).focused === 'span-tree', 'Escape did not go back to the tree');
    await press(Key.Enter);
    await waitFor(async () => (await state()).details === match, 'Enter did not select the match');
    await sound('find');
  });

  it('shows kind, parent id and clock start in the details, and durations beside the bars', async () => {
    const now = await state();
    const span = ordered.find((candidate) => candidate.span_id === now.details);
    const kinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
    assert.equal(await $('span-kind').getText(), kinds[span.kind]);
    assert.equal(await $('span-parent').getText(), span.parent_span_id);
    assert.equal(await $('span-start').getText(), utc(span.start_ns));
    assert.match(await $('span-offset').getText(), /^\+\d/);
    // Every row shows its duration beside its bar, as the CLI's times give it.
    const durations = await browser().execute(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid="span-row"]')].map((row) => [
          row.getAttribute('data-span-id'),
          row.querySelector('[data-testid="span-duration"]')?.textContent ?? null,
        ]),
      ),
    );
    for (const candidate of ordered) {
      const ms = (candidate.end_ns - candidate.start_ns) / 1e6;
      const text = durations[candidate.span_id];
      assert.ok(text, `${candidate.name} shows a duration`);
      assert.ok(text.endsWith('ms') && Math.abs(Number(text.slice(0, -2)) - ms) < 0.05, `${candidate.name}: ${text} for ${ms}ms`);
    }
  });

  it('zooms to a span: the minimap shows the window, spans outside it are edge markers', async () => {
    const root = ordered[0];
    const traceStart = Math.min(...ordered.map((span) => span.start_ns));
    const traceEnd = Math.max(...ordered.map((span) => span.end_ns));
    // A span with spans wholly before and after it.
    const target = ordered.find(
      (span) =>
        ordered.some((other) => other.end_ns < span.start_ns) && ordered.some((other) => other.start_ns > span.end_ns),
    );
    assert.ok(target, 'a span with spans before and after it');
    assert.equal(await $('minimap-zoom').isExisting(), false);
    await browser().$(`[data-testid="span-row"][data-span-id="${target.span_id}"]`).doubleClick();
    await $('zoom-reset').waitForExist({ timeout: 3000 });
    const zoom = await browser().execute(() => {
      const box = document.querySelector('[data-testid="minimap-zoom"]').getBoundingClientRect();
      const map = document.querySelector('[data-testid="minimap"]').getBoundingClientRect();
      return { left: (box.left - map.left) / map.width, width: box.width / map.width };
    });
    const wantLeft = (target.start_ns - traceStart) / (traceEnd - traceStart);
    const wantWidth = (target.end_ns - target.start_ns) / (traceEnd - traceStart);
    assert.ok(Math.abs(zoom.left - wantLeft) < 0.02, `minimap window at ${zoom.left}, wanted ${wantLeft}`);
    assert.ok(Math.abs(zoom.width - wantWidth) < 0.02, `minimap window ${zoom.width} wide, wanted ${wantWidth}`);
    const edges = await browser().execute(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid="span-row"]')].map((row) => [
          row.getAttribute('data-span-id'),
          row.querySelector('[data-testid="edge-marker"]')?.getAttribute('data-edge') ?? 'bar',
        ]),
      ),
    );
    for (const span of ordered) {
      const want = span.end_ns < target.start_ns ? 'before' : span.start_ns > target.end_ns ? 'after' : 'bar';
      assert.equal(edges[span.span_id], want, `${span.name}`);
    }
    assert.equal(edges[root.span_id], 'bar');
    await saveScreenshot(browser(), join(SHOTS, 'waterfall-zoom-edges.png'));
    await $('zoom-reset').click();
    await $('minimap-zoom').waitForExist({ reverse: true, timeout: 3000 });
  });
});
