// Hostile content in every view of the real window: the payloads of
// tests/hostile/payloads.json are written into span names, attribute keys and
// values, span events, scope and service names, log bodies, log attribute keys
// and values, and file names; the real CLI loads them; every view is opened.
// Nothing may run (`window.__pwned` stays unset) and nothing from the data may
// become an element or an event-handler attribute. Control, bidirectional,
// zero-width characters and terminal escapes show as visible markers, ANSI
// colours as colour (model/untrusted.ts).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, settled, typeInSearch, waitForRows, weft, windowOn, showView } from './harness.mjs';

const PAYLOADS = JSON.parse(readFileSync(join(ROOT, 'tests/hostile/payloads.json'), 'utf8'));
const TRACE = 'ab'.repeat(16);
const spanId = (n) => (n + 1).toString(16).padStart(16, '0');
const T0 = 1_793_700_000_000_000_000n;

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-hostile-'));
const casePath = join(tmp, 'hostile.weft');
const data = join(tmp, 'data');

/** One OTLP/JSON line: a root span and a child per payload, by service. */
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
    attributes: [{ key: name, value: str(name) }, { key: 'http.url', value: str(name) }],
    events: [{ timeUnixNano: String(T0 + BigInt(n) * 1_000_000n), name, attributes: [{ key: name, value: str(name) }] }],
    status: n % 3 === 0 ? { code: 2, message: name } : {},
  });
  const root = { ...span(PAYLOADS.length, 'checkout', undefined) };
  const resourceSpans = PAYLOADS.map((payload, n) => ({
    resource: { attributes: [{ key: 'service.name', value: str(PAYLOADS[n % 12]) }, { key: payload, value: str(payload) }] },
    scopeSpans: [{ scope: { name: payload, version: payload }, spans: [span(n, payload, spanId(PAYLOADS.length))] }],
  }));
  resourceSpans.push({ resource: { attributes: [{ key: 'service.name', value: str('frontend') }] }, scopeSpans: [{ spans: [root] }] });
  return `${JSON.stringify({ resourceSpans })}\n`;
}

/** Pino lines: the payload as message, service, attribute key and value. */
function logs(from, to) {
  return PAYLOADS.slice(from, to)
    .map((payload, at) => {
      const n = from + at;
      return `${JSON.stringify({
        level: 50,
        time: 1_793_700_000_000 + n,
        pid: 1,
        name: PAYLOADS[n % 12],
        msg: payload,
        trace_id: TRACE,
        span_id: spanId(n),
        [payload]: payload,
        nested: { [payload]: [payload] },
      })}\n`;
    })
    .join('');
}

before(() => {
  mkdirSync(data);
  writeFileSync(join(data, 'traces.jsonl'), traces());
  writeFileSync(join(data, 'logs.log'), logs(0, PAYLOADS.length));
  // File names are payloads too (those a file name can hold).
  const names = PAYLOADS.filter((payload) => !payload.includes('/') && Buffer.byteLength(payload) < 200).slice(0, 12);
  assert.ok(names.length >= 10);
  names.forEach((name, at) => writeFileSync(join(data, `${name}.log`), logs(at, at + 1)));
  weft(casePath, 'ingest', data);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('hostile content in every view', () => {
  const app = windowOn(casePath);
  const { $, $$ } = app;

  /** What the data may have made of the page: must stay empty. */
  const injected = () =>
    app.browser.execute(() => {
      const found = [];
      if (window.__pwned !== undefined) found.push('window.__pwned was set');
      const banned = 'img,iframe,frame,object,embed,video,audio,source,marquee,keygen,isindex,xmp,mglyph,animate,foreignObject,x,base,template,math,noscript,textarea,select,details,a,body meta,body link,body style,body script';
      for (const node of document.querySelectorAll(banned)) found.push(`<${node.tagName.toLowerCase()}>`);
      for (const node of document.querySelectorAll('*')) {
        for (const attribute of node.getAttributeNames()) {
          if (/^on/i.test(attribute) || attribute === 'srcdoc' || /^xlink:/.test(attribute)) found.push(`${node.tagName}[${attribute}]`);
        }
      }
      for (const script of document.querySelectorAll('script')) {
        if (!script.src || script.textContent.trim() !== '') found.push('an inline script');
      }
      return found;
    });

  it('shows the payloads as text in the trace list, sources, log view and facets', async () => {
    await waitForRows(app.browser, 'trace-row');
    let text = await app.browser.execute(() => document.body.innerText);
    assert.deepEqual(await injected(), []);
    // The sources are in the Case view.
    await showView(app.browser, 'case');
    text += await app.browser.execute(() => document.body.innerText);
    for (const payload of PAYLOADS.slice(0, 12)) assert.ok(text.includes(payload), `shown as text: ${payload}`);
    assert.equal((await $$('source-row')).length, 14);
    assert.deepEqual(await injected(), []);
    await showView(app.browser, 'traces');
    // The detector itself finds an injected element.
    await app.browser.execute(() => {
      const probe = document.createElement('img');
      probe.setAttribute('onerror', 'void 0');
      probe.id = 'probe';
      document.body.append(probe);
    });
    assert.deepEqual(await injected(), ['<img>', 'IMG[onerror]']);
    await app.browser.execute(() => document.getElementById('probe').remove());
  });

  it('opens the trace and every span’s details', async () => {
    await app.browser.$('[data-testid="trace-row"] td').click();
    await waitForRows(app.browser, 'span-row', (count) => count > 5, { timeoutMsg: 'the waterfall did not open' });
    // Every span in turn: the first by a click, the others with the arrow key.
    await (await $$('span-row'))[0].click();
    await app.browser.execute(() => document.querySelector('[data-testid="span-tree"]').focus());
    const seen = new Set();
    for (let step = 0; step <= PAYLOADS.length; step += 1) {
      await $('span-details').waitForExist({ timeout: 5000 });
      seen.add(await $('span-details').getAttribute('data-span-id'));
      await app.browser.keys(['ArrowDown']);
      await app.browser.keys(['Enter']);
    }
    assert.equal(seen.size, PAYLOADS.length + 1, 'every span was shown in the details');
    const details = await $('span-details').getText();
    assert.ok(details.length > 0);
    assert.deepEqual(await injected(), []);
  });

  it('expands log lines, shows context, and searches with a payload', async () => {
    // The whole log view again (selecting spans scoped it to one span).
    if (await $('scope-clear').isExisting()) await $('scope-clear').click();
    // Its rows replace the span's: wait for them, or the rows found below may be
    // re-rendered under WebDriver ("stale element" in a clean-clone run).
    await settled(app.browser, 20_000);
    // The Logs view: the whole height for the log rows (the pane under a trace is smaller).
    await showView(app.browser, 'logs');
    await waitForRows(app.browser, 'log-expand', (count) => count >= 10);
    for (let at = 0; at < 10; at += 1) {
      const expanders = await $$('log-expand');
      if (at < expanders.length) await expanders[at].click();
    }
    await $('log-attributes').waitForExist({ timeout: 5000 });
    await (await $$('log-context-open'))[0].click();
    await $('log-context').waitForExist({ timeout: 5000 });
    assert.deepEqual(await injected(), []);
    for (const query of [`"${PAYLOADS[1].replaceAll('"', '')}"`, PAYLOADS[0], PAYLOADS[11]]) {
      await app.browser.execute((value) => {
        const input = document.querySelector('[data-testid="search-input"]');
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, query);
      await $('search-run').click();
      await app.browser.waitUntil(async () => (await $('app').getAttribute('data-ready')) === 'true', { timeout: 20_000 });
      assert.deepEqual(await injected(), [], `after searching ${query}`);
    }
  });

  it('shows control, bidi, zero-width and ANSI payloads as markers and colour, never as they would act', async () => {
    // The payloads' rows are the last ones in time.
    await typeInSearch(app.browser, '');
    await settled(app.browser, 20_000);
    await showView(app.browser, 'logs');
    await $('logs-jump-end').click();
    await settled(app.browser, 20_000);
    const wanted = new Map([
      ['bell\u0007 nul\u0000 esc\u001b del\u007f end', 'bell⟨BEL⟩ nul⟨NUL⟩ esc⟨ESC⟩ del⟨DEL⟩ end'],
      ['c1 controls \u0080\u0085\u009b\u009f here', 'c1 controls ⟨PAD⟩⟨NEL⟩⟨CSI⟩⟨APC⟩ here'],
      ['evil\u202Eexe.txt', 'evil⟨RLO⟩exe.txt'],
      [
        'bidi \u202Aembed\u202C \u202Boverride\u202C \u202Dlro\u202C isolates \u2066a\u2069 \u2067b\u2069 \u2068c\u2069 marks \u200E\u200F',
        'bidi ⟨LRE⟩embed⟨PDF⟩ ⟨RLE⟩override⟨PDF⟩ ⟨LRO⟩lro⟨PDF⟩ isolates ⟨LRI⟩a⟨PDI⟩ ⟨RLI⟩b⟨PDI⟩ ⟨FSI⟩c⟨PDI⟩ marks ⟨LRM⟩⟨RLM⟩',
      ],
      ['zero\u200Bwidth\u200Cjoin\u200Dword\u2060joiner\uFEFFbom', 'zero⟨ZWSP⟩width⟨ZWNJ⟩join⟨ZWJ⟩word⟨WJ⟩joiner⟨BOM⟩bom'],
      [
        '\u001b[31mred\u001b[0m \u001b[1;32mbold green\u001b[0m \u001b[38;5;208morange\u001b[39m \u001b[38;2;10;200;30mtrue\u001b[0m plain',
        'red bold green orange true plain',
      ],
      ['truncated \u001b[31', 'truncated ⟨ESC⟩[31'],
      [
        'cursor \u001b[2K\u001b[1A moves and \u001b]8;;javascript:window.__pwned=1\u001b\\a link\u001b]8;;\u001b\\ osc',
        'cursor ⟨ESC[2K⟩⟨ESC[1A⟩ moves and ⟨ESC]8;;javascript:window.__pwned=1ESC\\⟩a link⟨ESC]8;;ESC\\⟩ osc',
      ],
      ['\u001b[31m<img src=x onerror=window.__pwned=1>\u001b[0m', '<img src=x onerror=window.__pwned=1>'],
      ['emoji \u2705\ud83d\uded2\ud83d\udc69\u200d\ud83d\udcbb and CJK \u5c71\u7530\u592a\u90ce \u6ce8\u6587', 'emoji ✅🛒👩‍💻 and CJK 山田太郎 注文'],
    ]);
    for (const payload of wanted.keys()) assert.ok(PAYLOADS.includes(payload), `payloads.json holds ${JSON.stringify(payload)}`);
    const rows = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-row"]')].map((row) => {
        const body = row.querySelector('[data-testid="log-body"]');
        return {
          text: body.textContent,
          marks: [...body.querySelectorAll('[data-testid="untrusted-mark"]')].map((mark) => mark.title),
          coloured: [...body.querySelectorAll('[class*="ansi-fg-"]')].map((node) => [node.textContent, getComputedStyle(node).color]),
          plain: getComputedStyle(body).color,
        };
      }),
    );
    const texts = rows.map((row) => row.text);
    for (const [payload, shown] of wanted) assert.ok(texts.includes(shown), `${JSON.stringify(payload)} shows as ${shown}: ${JSON.stringify(texts.slice(-12))}`);
    const evil = rows.find((row) => row.text === 'evil⟨RLO⟩exe.txt');
    assert.deepEqual(evil.marks, ['U+202E RIGHT-TO-LEFT OVERRIDE (invisible)']);
    const ansi = rows.find((row) => row.text === 'red bold green orange true plain');
    assert.deepEqual(ansi.coloured.map(([text]) => text), ['red', 'bold green', 'orange', 'true']);
    for (const [text, colour] of ansi.coloured) assert.notEqual(colour, ansi.plain, `${text} is coloured`);
    // Nothing invisible and no escape reached the page as text; nothing ran.
    const page = await app.browser.execute(() => document.body.textContent);
    assert.doesNotMatch(page, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
    assert.deepEqual(await injected(), []);

    // Expanded, the key and the value of its attribute are marked the same way.
    const at = texts.indexOf('evil⟨RLO⟩exe.txt');
    await (await $$('log-expand'))[at].click();
    await $('log-attributes').waitForExist({ timeout: 5000 });
    const attributes = await app.browser.execute(() => document.querySelector('[data-testid="log-attributes"]').textContent);
    assert.ok(attributes.includes('evil⟨RLO⟩exe.txt: "evil⟨RLO⟩exe.txt"'), attributes);
    assert.deepEqual(await injected(), []);
  });
});
