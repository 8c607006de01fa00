import { describe, expect, it } from 'vitest';
import {
  applySgr,
  codePointName,
  colour256,
  displaySegments,
  displayText,
  nearestColour,
  originalOf,
  styleClasses,
  type Segment,
} from './untrusted';

const marks = (segments: Segment[]) => segments.filter((segment) => segment.kind === 'mark');
const labels = (text: string) => marks(displaySegments(text)).map((segment) => segment.kind === 'mark' && segment.label);
const shown = (text: string, lines = false) => displayText(text, { lines });

describe('plain text', () => {
  it('is one text segment, as it is', () => {
    expect(displaySegments('GET /api/cart 200')).toEqual([
      { kind: 'text', text: 'GET /api/cart 200', original: 'GET /api/cart 200', style: '' },
    ]);
    expect(displaySegments('')).toEqual([]);
  });

  it('keeps emoji (with their joiners and modifiers), CJK and right-to-left script as text', () => {
    for (const text of ['order ✅ 🛒 👩‍💻 👍🏽 🏳️‍🌈', '山田太郎 注文番号', 'שלום עולם', 'مرحبا', 'tab\there']) {
      expect(displaySegments(text)).toEqual([{ kind: 'text', text, original: text, style: '' }]);
    }
  });

  it('lets markup stay text', () => {
    expect(shown('<img src=x onerror="window.__pwned=1">')).toBe('<img src=x onerror="window.__pwned=1">');
  });
});

describe('control characters', () => {
  it('are markers naming the character, never dropped', () => {
    expect(labels('bell\u0007 nul\u0000 del\u007f bs\b')).toEqual(['⟨BEL⟩', '⟨NUL⟩', '⟨DEL⟩', '⟨BS⟩']);
    expect(shown('a\u0000b')).toBe('a⟨NUL⟩b');
    const [bell] = marks(displaySegments('\u0007'));
    expect(bell).toEqual({ kind: 'mark', label: '⟨BEL⟩', title: 'U+0007 BEL (a control character)', original: '\u0007', style: '' });
  });

  it('marks every C0 and C1 control but tab and line breaks', () => {
    for (let code = 0; code < 0xa0; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const char = String.fromCharCode(code);
      const segments = displaySegments(`x${char}y`);
      expect(originalOf(segments)).toBe(`x${char}y`);
      if (code === 0x09) expect(marks(segments)).toEqual([]);
      else if (code === 0x1b) expect(labels(`x${char}y`)).toEqual(['⟨ESCy⟩']);
      else {
        expect(marks(segments), codePointName(code)).toHaveLength(1);
        const [mark] = marks(segments);
        expect(mark!.kind === 'mark' && mark!.title).toContain(codePointName(code));
      }
    }
    expect(labels('c1 \u0080\u0085\u009b\u009f')).toEqual(['⟨PAD⟩', '⟨NEL⟩', '⟨CSI⟩', '⟨APC⟩']);
  });

  it('shows line breaks as breaks in a multi-line view and as ⏎ on one line', () => {
    expect(shown('one\ntwo\r\nthree', true)).toBe('one\ntwo\nthree');
    expect(originalOf(displaySegments('one\ntwo\r\nthree', { lines: true }))).toBe('one\ntwo\r\nthree');
    expect(shown('one\ntwo\r\nthree')).toBe('one⏎two⏎three');
    // A carriage return on its own would overwrite the line on a terminal: a marker.
    expect(shown('50%\r100%', true)).toBe('50%⟨CR⟩100%');
  });
});

describe('bidirectional and zero-width characters', () => {
  it('cannot turn evil\\u202Eexe.txt into something that reads otherwise', () => {
    const segments = displaySegments('evil\u202Eexe.txt');
    expect(shown('evil\u202Eexe.txt')).toBe('evil⟨RLO⟩exe.txt');
    expect(segments.filter((segment) => segment.kind === 'text').map((segment) => segment.kind === 'text' && segment.text).join('')).not.toContain('\u202E');
    expect(marks(segments)[0]).toMatchObject({ title: 'U+202E RIGHT-TO-LEFT OVERRIDE (invisible)' });
  });

  it('marks every bidirectional control', () => {
    const all = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C';
    expect(labels(all)).toEqual(['⟨LRE⟩', '⟨RLE⟩', '⟨PDF⟩', '⟨LRO⟩', '⟨RLO⟩', '⟨LRI⟩', '⟨RLI⟩', '⟨FSI⟩', '⟨PDI⟩', '⟨LRM⟩', '⟨RLM⟩', '⟨ALM⟩']);
    for (const segment of displaySegments(all)) expect(segment.kind).toBe('mark');
  });

  it('marks zero-width characters', () => {
    expect(shown('zero\u200Bwidth\u200Cjoin\u200Dword\u2060joiner\uFEFFbom')).toBe('zero⟨ZWSP⟩width⟨ZWNJ⟩join⟨ZWJ⟩word⟨WJ⟩joiner⟨BOM⟩bom');
    expect(labels('ad\u00ADmin \u2028 \u2029 \u2062')).toEqual(['⟨SHY⟩', '⟨LSEP⟩', '⟨PSEP⟩', '⟨IT⟩']);
    // A joiner between letters is marked; between pictographs it belongs to the emoji.
    expect(shown('admin\u200Dx')).toBe('admin⟨ZWJ⟩x');
    expect(shown('👩\u200D💻')).toBe('👩\u200D💻');
    expect(shown('a\u200D💻')).toBe('a⟨ZWJ⟩💻');
    expect(shown('👩\u200D')).toBe('👩⟨ZWJ⟩');
  });

  it('marks a lone surrogate', () => {
    expect(shown('x\uD800y')).toBe('x⟨?⟩y');
    expect(originalOf(displaySegments('x\uD800y'))).toBe('x\uD800y');
  });
});

describe('ANSI escape sequences', () => {
  it('become styles, not text', () => {
    const segments = displaySegments('\u001b[32mGET\u001b[0m /api \u001b[1;31m502\u001b[0m');
    expect(segments).toEqual([
      { kind: 'escape', original: '\u001b[32m' },
      { kind: 'text', text: 'GET', original: 'GET', style: 'ansi-fg-2' },
      { kind: 'escape', original: '\u001b[0m' },
      { kind: 'text', text: ' /api ', original: ' /api ', style: '' },
      { kind: 'escape', original: '\u001b[1;31m' },
      { kind: 'text', text: '502', original: '502', style: 'ansi-fg-1 ansi-bold' },
      { kind: 'escape', original: '\u001b[0m' },
    ]);
    expect(shown('\u001b[32mGET\u001b[0m /api \u001b[1;31m502\u001b[0m')).toBe('GET /api 502');
  });

  it('read 16, 256 and true colours onto the palette, backgrounds too', () => {
    const style = (params: string) => styleClasses(applySgr(applySgr({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false }, ''), params));
    expect(style('31')).toBe('ansi-fg-1');
    expect(style('91')).toBe('ansi-fg-9');
    expect(style('44')).toBe('ansi-bg-4');
    expect(style('104')).toBe('ansi-bg-12');
    expect(style('38;5;208')).toBe('ansi-fg-3');
    expect(style('38;5;9')).toBe('ansi-fg-9');
    expect(style('38;5;255')).toBe('ansi-fg-7');
    expect(style('38;5;15')).toBe('ansi-fg-15');
    expect(style('38;2;10;200;30')).toBe('ansi-fg-2');
    expect(style('48;2;255;0;0')).toBe('ansi-bg-9');
    expect(style('38:5:1')).toBe('ansi-fg-1');
    expect(style('2;3;4')).toBe('ansi-dim ansi-italic ansi-underline');
    expect(style('1;22')).toBe('');
    expect(style('31;39')).toBe('');
    expect(style('41;49')).toBe('');
    expect(style('1;31;0')).toBe('');
    expect(style('')).toBe('');
    // Conceal (8) would hide text: ignored, as are blink and inverse.
    expect(style('5;7;8')).toBe('');
    // A short extended colour changes nothing.
    expect(style('38;5')).toBe('');
    expect(style('38;2;1;2')).toBe('');
    expect(style('38;5;300')).toBe('');
    expect(nearestColour(0, 0, 0)).toBe(0);
    expect(colour256(16)).toBe(0);
    expect(colour256(231)).toBe(15);
    expect(colour256(-1)).toBeNull();
  });

  it('shows other terminal sequences as markers instead of running them', () => {
    expect(shown('cursor \u001b[2K\u001b[1A moves')).toBe('cursor ⟨ESC[2K⟩⟨ESC[1A⟩ moves');
    expect(shown('\u001b]8;;javascript:x\u001b\\a link\u001b]8;;\u001b\\')).toBe('⟨ESC]8;;javascript:xESC\\⟩a link⟨ESC]8;;ESC\\⟩');
    expect(shown('title \u001b]0;pwned\u0007 done')).toBe('title ⟨ESC]0;pwnedBEL⟩ done');
    expect(shown('reset \u001bc')).toBe('reset ⟨ESCc⟩');
    expect(marks(displaySegments('\u001b[2K'))[0]).toMatchObject({ title: 'a terminal control sequence (not applied)' });
  });

  it('shows malformed and cut-short sequences as ⟨ESC⟩ and the rest as text', () => {
    expect(shown('truncated \u001b[31')).toBe('truncated ⟨ESC⟩[31');
    expect(shown('end \u001b')).toBe('end ⟨ESC⟩');
    expect(shown('bad \u001b[31\u0007m')).toBe('bad ⟨ESC⟩[31⟨BEL⟩m');
    expect(shown('osc \u001b]0;never ends')).toBe('osc ⟨ESC⟩]0;never ends');
    expect(shown('osc \u001b]0;bad\u001bx')).toBe('osc ⟨ESC⟩]0;bad⟨ESCx⟩');
    expect(shown(`long \u001b[${'1;'.repeat(400)}m`)).toMatch(/^long ⟨ESC⟩\[1;1;/);
    expect(shown('esc \u001b\u0001')).toBe('esc ⟨ESC⟩⟨SOH⟩');
  });

  it('keeps markers inside coloured text in that colour', () => {
    const segments = displaySegments('\u001b[31mA\u0007B\u001b[0m');
    expect(segments[2]).toMatchObject({ kind: 'mark', label: '⟨BEL⟩', style: 'ansi-fg-1' });
  });

  it('leaves markup inside colours as text', () => {
    expect(shown('\u001b[31m<img src=x onerror=window.__pwned=1>\u001b[0m')).toBe('<img src=x onerror=window.__pwned=1>');
  });
});

describe('nothing is dropped', () => {
  const hostile = [
    'bell\u0007 nul\u0000 esc\u001b del\u007f end',
    'c1 controls \u0080\u0085\u009b\u009f here',
    'evil\u202Eexe.txt',
    'bidi \u202Aembed\u202C \u202Boverride\u202C \u202Dlro\u202C isolates \u2066a\u2069 \u2067b\u2069 \u2068c\u2069 marks \u200E\u200F',
    'zero\u200Bwidth\u200Cjoin\u200Dword\u2060joiner\uFEFFbom',
    '\u001b[31mred\u001b[0m \u001b[1;32mbold green\u001b[0m \u001b[38;5;208morange\u001b[39m \u001b[38;2;10;200;30mtrue\u001b[0m plain',
    'truncated \u001b[31',
    'cursor \u001b[2K\u001b[1A moves and \u001b]8;;javascript:window.__pwned=1\u001b\\a link\u001b]8;;\u001b\\ osc',
    'emoji ✅🛒👩‍💻 and CJK 山田太郎 注文',
    'PoolTimeoutError: timed out\r\n    at Pool.acquire (/app/src/db/pool.js:88:13)\n\n',
  ];

  it.each(hostile)('every character of %j is in one segment, invisible ones behind a marker', (text) => {
    for (const lines of [false, true]) {
      const segments = displaySegments(text, { lines });
      expect(originalOf(segments)).toBe(text);
      for (const segment of segments) {
        if (segment.kind === 'text') {
          // What shows as text has no invisible character left in it.
          expect(segment.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
          if (!lines) expect(segment.text).not.toContain('\n');
        }
        if (segment.kind === 'mark') expect(segment.label).toMatch(/^(⟨.+⟩|⏎)$/);
      }
    }
  });

  it('is fast enough for a 50 KB line', () => {
    const body = `${'\u001b[31mred\u001b[0m plain \u0007 '.repeat(2500)}`;
    const started = performance.now();
    const segments = displaySegments(body);
    expect(originalOf(segments)).toBe(body);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
