// File → Export… (issue 20) in the real window: the demo case's slowest trace opened,
// File → Export… chosen in the native menu bar (F10 and the arrow keys, typed with
// xdotool on the window's X display, as a click would activate it), "This trace" and
// OTLP protobuf picked in the dialog, the path typed into the shell's save dialog;
// the window says how many spans and logs were written, and the file loads with
// `weft ingest` into a new case whose `weft trace ID --json` has the same spans and
// logs as the original's.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { settled, weft, weftJson, windowOn } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-export-'));
const casePath = join(tmp, 'demo.weft');
const copyPath = join(tmp, 'copy.weft');
const exportPath = join(tmp, 'trace.binpb');

before(() => weft(casePath, 'ingest', 'tests/fixtures/demo'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function xdotool(...args) {
  const run = spawnSync('xdotool', args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `xdotool ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** Saves to `path` in the shell's save dialog: its name box takes the whole path. */
async function saveInDialog(browser, path, saved) {
  const window = xdotool('search', '--sync', '--onlyvisible', '--name', 'Export as OTLP').trim().split('\n')[0];
  xdotool('sleep', '1');
  xdotool('windowfocus', '--sync', window);
  xdotool('key', '--delay', '150', 'ctrl+a');
  xdotool('type', '--delay', '20', path);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    xdotool('key', '--delay', '300', 'Return');
    try {
      await browser.waitUntil(saved, { timeout: 6000 });
      return;
    } catch {
      // The dialog may still be settling; Return again.
    }
  }
  assert.fail(`the dialog did not save to ${path}`);
}

/** The spans and logs of a trace as `weft trace --json` shows them, comparable across cases. */
function traceContent(casePath, traceId) {
  const trace = weftJson(casePath, 'trace', traceId);
  const span = (s) => [s.span_id, s.parent_span_id, s.name, s.service, s.start_ns, s.end_ns, s.status, s.kind, s.attributes, s.events, s.links, s.resource, s.scope];
  const log = (l) => [l.ts_ns, l.severity, l.severity_text, l.body, l.trace_id, l.span_id, l.link, l.attributes];
  return {
    spans: trace.spans.map(span),
    logs: trace.spans.flatMap((s) => s.logs).concat(trace.trace_logs).map(log).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

describe('File → Export…', () => {
  const app = windowOn(casePath);
  const { $ } = app;

  it('exports the open trace through the menu, the dialog and the save dialog', async () => {
    const browser = app.browser;
    await settled(browser);
    const [slowest] = weftJson(casePath, 'traces', '--sort', 'duration', '--limit', '1');
    await browser.$(`[data-testid="trace-row"][data-trace-id="${slowest.trace_id}"] td`).click();
    await browser.$('[data-testid="span-row"]').waitForExist({ timeout: 10_000 });
    // File → Export… is the sixth item of File (Open files, Open folder, New case,
    // Open case, Recent cases, Export…).
    xdotool('key', '--delay', '200', 'F10', 'Down', 'Down', 'Down', 'Down', 'Down', 'Down', 'Return');
    await $('export-dialog').waitForExist({ timeout: 5000, timeoutMsg: 'File → Export… opened no dialog' });
    assert.equal(await $('export-scope-trace').isSelected(), true, 'the open trace is chosen first');
    await $('export-format').selectByAttribute('value', 'otlp-proto');
    await $('export-run').click();
    await saveInDialog(browser, exportPath, async () => (await $('records-export-status').isExisting()) && existsSync(exportPath));
    const logs = slowest.logs;
    const status = await $('records-export-status').getText();
    const said = `Exported ${slowest.spans} span${slowest.spans === 1 ? '' : 's'} and ${logs} log${logs === 1 ? '' : 's'} to ${exportPath}`;
    assert.ok(status.startsWith(said), `${status} does not start with ${said}`);
    weft(copyPath, 'ingest', exportPath);
    const stats = weftJson(copyPath, 'stats');
    assert.equal(stats.traces, 1);
    assert.equal(stats.spans, slowest.spans);
    assert.deepEqual(traceContent(copyPath, slowest.trace_id), traceContent(casePath, slowest.trace_id));
  });
});
