// The real window, end to end: a case made by the real CLI from the fixture
// corpus, weft-app started on it by tauri-driver (under Xvfb), and the DOM read
// back through WebDriver. The CLI's `--json` output is the expected truth.
// Run with `make e2e`; screenshots land in target/e2e/.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, hasRenderNode, weft, weftJson, windowOn, withWindow, showView, saveScreenshot } from './harness.mjs';

const FIXTURES = ['tests/fixtures/otlp-json', 'tests/fixtures/otlp-jsonl'];

/** data-testid of each figure → the `weft stats --json` field it must show. */
const FIGURES = {
  'count-sources': 'sources',
  'count-traces': 'traces',
  'count-spans': 'spans',
  'count-error-spans': 'error_spans',
  'count-logs': 'logs',
  'count-logs-span-linked': 'logs_span_linked',
  'count-logs-trace-linked': 'logs_trace_linked',
  'count-logs-orphan': 'logs_orphan',
  'count-logs-unlinked': 'logs_unlinked',
};

/** A trace whose service and span name are markup: they must show as typed. */
const HOSTILE = {
  traceId: '7e57000000000000000000000000beef',
  service: '<i>svc</i>',
  name: '<img src=x onerror="document.title=1"><b>root</b>',
};

function hostileTrace() {
  const span = {
    traceId: HOSTILE.traceId,
    spanId: '7e57000000000001',
    name: HOSTILE.name,
    kind: 2,
    startTimeUnixNano: '1793700000123456789',
    endTimeUnixNano: '1793700001357456789',
    status: {},
  };
  const service = { key: 'service.name', value: { stringValue: HOSTILE.service } };
  const scopeSpans = [{ scope: {}, spans: [span] }];
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [service] }, scopeSpans }] });
}

/** The digits of an element's text (counts are grouped with thin spaces). */
async function numberIn(element) {
  return Number((await element.getText()).replace(/[^\d-]/g, ''));
}

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-'));
const casePath = join(tmp, 'case.weft');

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(casePath, 'ingest', ...FIXTURES);
  const hostilePath = join(tmp, 'hostile.json');
  writeFileSync(hostilePath, hostileTrace());
  weft(casePath, 'ingest', hostilePath);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a case made from the fixtures', () => {
  const app = windowOn(casePath);

  it('shows the case path and exactly the counts of `weft stats`', async () => {
    const stats = weftJson(casePath, 'stats');
    assert.ok(stats.spans > 0 && stats.logs > 0, 'the fixtures give spans and logs');
    assert.equal(await app.browser.$('[data-testid="case-path"]').getText(), casePath);
    // The counts are in the Case view.
    await showView(app.browser, 'case');
    for (const [testid, field] of Object.entries(FIGURES)) {
      const element = app.browser.$(`[data-testid="${testid}"]`);
      assert.equal(await numberIn(element), stats[field], `${testid} shows ${field}`);
      assert.equal(await element.getAttribute('data-value'), String(stats[field]));
    }
    assert.equal(await app.browser.getTitle(), 'Weft');
    await saveScreenshot(app.browser, join(SHOTS, 'case.png'));
  });

  it('lists every source and every trace, in the CLI order', async () => {
    const sources = weftJson(casePath, 'sources');
    assert.equal((await app.browser.$$('[data-testid="source-row"]')).length, sources.length);
    await showView(app.browser, 'traces');
    const traces = weftJson(casePath, 'traces', '--limit', '1000');
    const rows = await app.browser.$$('[data-testid="trace-row"]');
    assert.equal(rows.length, traces.length);
    const shownIds = [];
    for (const row of rows) shownIds.push(await row.getAttribute('data-trace-id'));
    assert.deepEqual(shownIds, traces.map((trace) => trace.trace_id));
    const firstCells = await rows[0].$$('td');
    assert.equal(await firstCells[1].getText(), traces[0].root_name || '(no root span)');
    assert.equal(await app.browser.$('[data-testid="traces-more"]').isExisting(), false);
  });

  it('renders names from the files as text, never as HTML', async () => {
    const row = app.browser.$(`[data-testid="trace-row"][data-trace-id="${HOSTILE.traceId}"]`);
    const cells = await row.$$('td');
    assert.equal(await cells[0].getText(), HOSTILE.service);
    assert.equal(await cells[1].getText(), HOSTILE.name);
    assert.equal(await cells[2].getText(), '2026-11-03 10:00:00.123Z');
    assert.equal(await cells[3].getText(), '1.234s');
    const injected = await app.browser.execute(
      () => document.querySelectorAll('main img, main b, main i, main script').length,
    );
    assert.equal(injected, 0);
  });

  // Last in this session: after a refusal WebKitWebDriver reports the refusal as the
  // error of the next few scripts too, so nothing may run after it here.
  it('grants its own commands and refuses everything else', async () => {
    const call = async (command) => {
      try {
        return await app.browser.execute(async (name) => {
          try {
            return { ok: true, value: await window.__TAURI_INTERNALS__.invoke(name, {}) };
          } catch (error) {
            return { ok: false, error: String(error?.message ?? error) };
          }
        }, command);
      } catch (error) {
        // The refusal may also surface as the WebDriver error of the script.
        return { ok: false, error: error.message };
      }
    };
    const info = await call('case_info');
    assert.equal(info.ok, true, JSON.stringify(info));
    assert.equal(info.value.path, casePath);
    const refused = await call('plugin:app|version');
    assert.equal(refused.ok, false);
    assert.match(refused.error, /app\.version not allowed/);
  });
});

describe('a case that cannot be opened', () => {
  it('says so, with the error code, and still shows the window', async () => {
    const blocker = join(tmp, 'a-file');
    writeFileSync(blocker, 'not a folder');
    // WEFT_CASE names a good case: the --case argument must win over it.
    await withWindow({ WEFT_CASE: casePath }, ['--case', join(blocker, 'case.weft')], async (session) => {
      const banner = session.$('[data-testid="error"]');
      assert.equal(await banner.getAttribute('data-code'), 'case_unavailable');
      assert.match(await banner.getText(), /could not be opened/);
      assert.equal(await session.$('[data-testid="traces"]').isExisting(), false);
      await saveScreenshot(session, join(SHOTS, 'unavailable.png'));
    });
  });
});

describe('the OS in dark mode', () => {
  it('shows the dark theme', async () => {
    await withWindow({ WEFT_CASE: casePath, GTK_THEME: 'Adwaita:dark' }, [], async (session) => {
      const [dark, background] = await session.execute(() => [
        matchMedia('(prefers-color-scheme: dark)').matches,
        getComputedStyle(document.body).backgroundColor,
      ]);
      assert.equal(dark, true);
      const [red, green, blue] = background.match(/\d+/g).map(Number);
      assert.ok(red + green + blue < 3 * 64, `a dark background, not ${background}`);
      await saveScreenshot(session, join(SHOTS, 'dark.png'));
    });
  });
});

/**
 * A variable that tells this test's window apart in /proc: `marker` as `NAME=value`
 * (what /proc/PID/environ lists) and `env` to start the window with.
 */
function windowMarker(label) {
  const value = `${label}-${process.pid}`;
  return { marker: `WEFT_E2E_WINDOW=${value}`, env: { WEFT_E2E_WINDOW: value } };
}

/**
 * The environment of the web process(es) of the window started with `marker` in its
 * environment, as name → value (read from /proc: the web process inherits the app's
 * environment as the app left it when WebKit started).
 */
function webProcessEnvironments(marker) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let comm, environ;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!comm.startsWith('WebKitWebProces') || !environ.includes(marker)) continue;
    found.push(Object.fromEntries(environ.filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])));
  }
  return found;
}

describe("the web view's JavaScript heap options (src-tauri/src/js_heap.rs)", () => {
  const options = { JSC_largeHeapSize: '8388608', JSC_heapGrowthMaxIncrease: '0.5', JSC_useFTLJIT: '0' };
  const unset = Object.fromEntries(Object.keys(options).map((name) => [name, undefined]));

  it('reach the web process, and a value the user set stays', async () => {
    const { marker, env } = windowMarker('js-heap');
    await withWindow({ ...unset, JSC_useFTLJIT: '1', WEFT_CASE: casePath, ...env }, [], async (session) => {
      const environments = webProcessEnvironments(marker);
      assert.ok(environments.length > 0, 'the window has a web process');
      for (const environment of environments) {
        assert.equal(environment.JSC_largeHeapSize, options.JSC_largeHeapSize);
        assert.equal(environment.JSC_heapGrowthMaxIncrease, options.JSC_heapGrowthMaxIncrease);
        assert.equal(environment.JSC_useFTLJIT, '1', "the user's value");
      }
      // JavaScriptCore took the options and the page runs.
      assert.equal(await session.$('[data-testid="case-path"]').getText(), casePath);
    });
  });
});

describe("WebKit's compositing mode (src-tauri/src/compositing.rs)", () => {
  const renderNode = hasRenderNode();
  // Unset for the app (an undefined value is left out of the child's environment).
  const unset = { WEBKIT_DISABLE_COMPOSITING_MODE: undefined, WEBKIT_WEB_RENDER_DEVICE_FILE: undefined };

  it('is off in the web process where there is no GPU render node, and left alone where there is', async () => {
    const { marker, env } = windowMarker('compositing-default');
    await withWindow({ ...unset, WEFT_CASE: casePath, ...env }, [], async () => {
      const environments = webProcessEnvironments(marker);
      assert.ok(environments.length > 0, 'the window has a web process');
      for (const environment of environments) {
        assert.equal(environment.WEBKIT_DISABLE_COMPOSITING_MODE, renderNode ? undefined : '1', `render node: ${renderNode}`);
      }
    });
  });

  it("keeps the user's own value (0: compositing on)", async () => {
    const { marker, env } = windowMarker('compositing-user');
    await withWindow({ ...unset, WEBKIT_DISABLE_COMPOSITING_MODE: '0', WEFT_CASE: casePath, ...env }, [], async (session) => {
      const environments = webProcessEnvironments(marker);
      assert.ok(environments.length > 0, 'the window has a web process');
      for (const environment of environments) assert.equal(environment.WEBKIT_DISABLE_COMPOSITING_MODE, '0');
      // Composited, the window still shows the case.
      assert.equal(await session.$('[data-testid="case-path"]').getText(), casePath);
    });
  });
});
