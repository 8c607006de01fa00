// The postmortem report (issue 18) in a real browser engine: the hostile payloads
// of tests/hostile/payloads.json go into log bodies, span names, attributes,
// service names and status messages, and into the notes, tags and phases of marks
// on them; the real CLI writes the HTML report; WebKit's MiniBrowser (driven by
// WebKitWebDriver, the engine of the app's window) opens it from a file:// URL.
// Nothing may run (`window.__pwned` stays unset, the title stays the report's),
// nothing from the data may become an element or an attribute, and every log line
// shows whole as text (hidden characters as ⟨U+XXXX⟩ markers, report/text.rs).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { remote } from 'webdriverio';
import { ROOT, WEFT, weft, weftJson } from './harness.mjs';

const PAYLOADS = JSON.parse(readFileSync(join(ROOT, 'tests/hostile/payloads.json'), 'utf8'));
const TRACE = 'cd'.repeat(16);
const spanId = (n) => (n + 1).toString(16).padStart(16, '0');
const T0 = 1_793_700_000_000_000_000n;

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-report-'));
const casePath = join(tmp, 'hostile.weft');
const reportPath = join(tmp, 'hostile.html');

/** MiniBrowser of the installed WebKitGTK (libwebkit2gtk-4.1-0), wherever the arch puts it. */
function miniBrowser() {
  for (const lib of ['/usr/lib', '/usr/libexec']) {
    for (const dir of existsSync(lib) ? readdirSync(lib) : []) {
      const path = join(lib, dir, 'webkit2gtk-4.1', 'MiniBrowser');
      if (existsSync(path)) return path;
    }
  }
  throw new Error('MiniBrowser of webkit2gtk-4.1 not found');
}

/** What report/text.rs `visible` makes of a text: hidden characters as markers. */
function visible(text) {
  const hidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff\r]/gu;
  return text.replace(hidden, (c) => `⟨U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

function traces() {
  const str = (value) => ({ stringValue: value });
  const span = (n, name, parent) => ({
    traceId: TRACE,
    spanId: spanId(n),
    parentSpanId: parent,
    name,
    kind: 2,
    startTimeUnixNano: String(T0 + BigInt(n) * 1_000_000n),
    endTimeUnixNano: String(T0 + BigInt(n) * 1_000_000n + 500_000n),
    attributes: [{ key: name, value: str(name) }],
    status: n % 3 === 0 ? { code: 2, message: name } : {},
  });
  const resourceSpans = PAYLOADS.map((payload, n) => ({
    resource: { attributes: [{ key: 'service.name', value: str(payload) }] },
    scopeSpans: [{ spans: [span(n, payload, spanId(PAYLOADS.length))] }],
  }));
  resourceSpans.push({
    resource: { attributes: [{ key: 'service.name', value: str('frontend') }] },
    scopeSpans: [{ spans: [span(PAYLOADS.length, 'checkout', undefined)] }],
  });
  return `${JSON.stringify({ resourceSpans })}\n`;
}

function logs() {
  return PAYLOADS.map(
    (payload, n) =>
      `${JSON.stringify({ level: 50, time: 1_793_700_000_000 + n, name: payload, msg: payload, trace_id: TRACE, span_id: spanId(n) })}\n`,
  ).join('');
}

let driver;
let browser;

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const accepts = (port) =>
  new Promise((resolveAccepts) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolveAccepts(true);
    });
    socket.once('error', () => resolveAccepts(false));
  });

before(async () => {
  const data = join(tmp, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'traces.jsonl'), traces());
  writeFileSync(join(data, 'logs.log'), logs());
  weft(casePath, 'ingest', data);
  const lines = weftJson(casePath, 'logs', '--limit', '0');
  assert.equal(lines.length, PAYLOADS.length);
  // A command line holds no NUL: notes go through standard input (`--note -`), the
  // other fields lose their NULs.
  const mark = (note, ...args) =>
    execFileSync(WEFT, ['--case', casePath, 'mark', 'add', '--note', '-', ...args.map((arg) => arg.replaceAll('\0', ''))], { input: note });
  lines.forEach((log, n) => {
    const payload = PAYLOADS[n % PAYLOADS.length];
    mark(log.body, '--log', String(log.id), '--tag', payload, '--phase', payload, '--colour', payload, '--author', payload);
  });
  PAYLOADS.forEach((payload, n) => {
    if (n % 6 === 0) mark(payload, '--trace', TRACE, '--span', spanId(n));
  });
  mark(PAYLOADS.join('\n\n'), '--at', '2026-11-03T10:00:00Z');
  weft(casePath, 'mark', 'add', '--query', 'level:error', '--note', '<script>window.__pwned=1</script>');
  weft(casePath, 'report', '-o', reportPath);

  const port = await freePort();
  const process_ = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  driver = process_;
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error('WebKitWebDriver did not listen within 20 s');
    await new Promise((wake) => setTimeout(wake, 100));
  }
  browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'silent',
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  await browser.url(pathToFileURL(reportPath).href);
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  if (driver) {
    try {
      process.kill(-driver.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('the HTML report with hostile content, in WebKit', () => {
  it('runs nothing', async () => {
    const state = await browser.execute(() => ({
      pwned: typeof window.__pwned,
      title: document.title,
      scripts: document.scripts.length,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
    }));
    assert.equal(state.pwned, 'undefined');
    assert.equal(state.title, 'Postmortem: hostile');
    assert.equal(state.scripts, 0);
    assert.equal(state.csp, "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  });

  it('makes no element or attribute of the data', async () => {
    const made = () => browser.execute(() => {
      const allowed = new Set('html head meta title style body h1 h2 h3 h4 h5 h6 p table tbody tr th td section span pre code ol ul li em strong del blockquote hr br div svg rect text'.split(' '));
      const attributes = new Set('charset http-equiv content name lang class id style start xmlns width height viewBox font-family font-size x y fill stroke text-anchor'.split(' '));
      const bad = [];
      for (const node of document.querySelectorAll('*')) {
        if (!allowed.has(node.localName)) bad.push(`<${node.localName}>`);
        for (const attribute of node.getAttributeNames()) {
          if (!attributes.has(attribute)) bad.push(`${node.localName}[${attribute}]`);
        }
        const style = node.getAttribute('style');
        if (style !== null && !/^border-left-color:(#[0-9a-fA-F]{3,6}|[a-zA-Z]{1,20})$/.test(style)) bad.push(`style="${style}"`);
      }
      return bad;
    });
    assert.deepEqual(await made(), []);
    // The detector itself finds an element the data would have made.
    await browser.execute(() => {
      const probe = document.createElement('img');
      probe.setAttribute('onerror', 'void 0');
      probe.id = 'probe';
      document.body.append(probe);
    });
    assert.deepEqual(await made(), ['<img>', 'img[onerror]']);
    await browser.execute(() => document.getElementById('probe').remove());
  });

  it('shows every payload whole as text', async () => {
    const text = await browser.execute(() =>
      [...document.querySelectorAll('pre')].map((pre) => pre.textContent).join('\n'),
    );
    for (const payload of PAYLOADS) assert.ok(text.includes(visible(payload)), `shown as text: ${JSON.stringify(payload)}`);
    const page = await browser.execute(() => document.body.textContent);
    // Service names and span names in the span tables and the waterfalls' SVG text.
    for (const payload of PAYLOADS.filter((_, n) => n % 6 === 0)) {
      assert.ok(page.includes(visible(payload)), `span of ${JSON.stringify(payload)}`);
    }
    assert.ok(!page.includes('\u202e') && !page.includes('\u0000'), 'no hidden character reaches the page');
  });
});
