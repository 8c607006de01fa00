// The Listen switch in the real window (issue 20): a busy port leaves it off with the
// error shown; on port 0 it listens, shows the addresses, and the OpenTelemetry Node SDK
// (tests/otel/node/emit.mjs) sends spans and logs to the address shown: the counts rise
// and the traces appear in the trace list without a reload; the Case view lists the
// receiver's source; switched off, the case holds what was sent and takes no more.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, showView, waitForRows, weftJson, windowOn } from './harness.mjs';

const NODE_SDK = join(ROOT, 'tests', 'otel', 'node');
if (!existsSync(join(NODE_SDK, 'node_modules'))) throw new Error('tests/otel/node has no node_modules: run `make deps-otel-node`');

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-listen-'));
const casePath = join(tmp, 'listen.weft');
/** A port held by someone else for the whole test. */
const busy = createServer();

before(() => new Promise((done) => busy.listen(0, '127.0.0.1', done)));
after(() => {
  busy.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Types into an input as a person does (the value, then an input event for bind:value). */
function typeInto(browser, testid, text) {
  return browser.execute(
    (id, value) => {
      const input = document.querySelector(`[data-testid="${id}"]`);
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    testid,
    text,
  );
}

/** emit.mjs: the Node SDK exporting to `url`; resolves to what it exported. */
function emit(url) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(NODE_SDK, 'emit.mjs'), '--url', url, '--protocol', 'proto', '--service', 'node-listen', '--traces', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => (code === 0 ? resolveRun(JSON.parse(out)) : reject(new Error(`emit.mjs exited ${code}: ${err}`))));
  });
}

describe('the Listen switch', () => {
  const app = windowOn(casePath);
  const { $ } = app;
  const switchOn = async () => (await $('listen-switch').getAttribute('aria-checked')) === 'true';
  let sent;
  let url;

  it('stays off and says why when the port is in use', async () => {
    await $('listen-more').click();
    await typeInto(app.browser, 'listen-http-input', `127.0.0.1:${busy.address().port}`);
    await typeInto(app.browser, 'listen-grpc-input', '127.0.0.1:0');
    await $('listen-switch').click();
    await $('listen-error').waitForExist({ timeout: 20_000, timeoutMsg: 'no error for the busy port' });
    const text = await $('listen-error').getText();
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${busy.address().port}`));
    assert.match(text, /in use/i);
    assert.equal(await $('listen-error').getAttribute('data-code'), 'listen');
    assert.equal(await switchOn(), false);
    // The fields are still there to fix.
    assert.equal(await $('listen-http-input').isExisting(), true);
  });

  it('listens, shows the addresses and the counts, and the traces arrive in the list', async () => {
    await typeInto(app.browser, 'listen-http-input', '127.0.0.1:0');
    await $('listen-switch').click();
    await app.browser.waitUntil(switchOn, { timeout: 20_000, timeoutMsg: 'the switch did not go on' });
    assert.equal(await $('listen-error').isExisting(), false);
    url = await $('listen-http').getText();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(url, 'http://127.0.0.1:0');
    assert.match(await $('listen-grpc').getText(), /^127\.0\.0\.1:\d+$/);
    assert.equal(await $('listen-counts').getText(), 'nothing yet');
    await showView(app.browser, 'traces');
    sent = await emit(url);
    const traceIds = new Set(sent.spans.map((span) => span.trace_id));
    // No reload: the views refresh as records arrive.
    await waitForRows(app.browser, 'trace-row', (count) => count === traceIds.size, {
      timeoutMsg: 'the sent traces did not appear in the trace list',
    });
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-id"]')].map((cell) => cell.getAttribute('title')),
    );
    assert.deepEqual(new Set(shown), traceIds);
    await app.browser.waitUntil(
      async () => (await $('listen-counts').getText()) === `${sent.spans.length} spans · ${sent.logs.length} logs`,
      { timeout: 20_000, timeoutMsg: 'the counts did not reach what was sent' },
    );
    assert.match(await $('listen-received').getText(), new RegExp(`${sent.spans.length} spans · ${sent.logs.length} logs · 0 rejected`));
  });

  it('lists the receiver as a source of the case', async () => {
    await showView(app.browser, 'case');
    await app.browser.waitUntil(
      async () => (await app.browser.execute(() => document.querySelector('[data-testid="app"]').textContent)).includes('otlp-http'),
      { timeout: 20_000, timeoutMsg: 'no otlp-http source in the Case view' },
    );
  });

  it('stops when switched off, and the case holds what was sent', async () => {
    await $('listen-switch').click();
    await app.browser.waitUntil(async () => !(await switchOn()), { timeout: 20_000, timeoutMsg: 'the switch did not go off' });
    const stats = weftJson(casePath, 'stats');
    assert.equal(stats.spans, sent.spans.length);
    assert.equal(stats.logs, sent.logs.length);
    const sources = weftJson(casePath, 'sources');
    assert.ok(sources.length >= 1 && sources.every((source) => source.status === 'complete'), JSON.stringify(sources));
    // Nothing listens any more on the address it had: the SDK's export fails.
    await assert.rejects(emit(url), /emit\.mjs exited/);
    assert.equal(weftJson(casePath, 'stats').spans, sent.spans.length);
  });
});
