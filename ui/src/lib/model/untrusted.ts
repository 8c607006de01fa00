// Untrusted text (log bodies, attribute values, span and service names) as display
// segments: plain runs, runs styled by ANSI SGR colour codes (a class of a fixed
// palette of CSS variables, as lnav shows them), and visible markers for what a
// screen would not show faithfully: control characters (⟨BEL⟩, ⟨NUL⟩), other
// terminal escape sequences, bidirectional overrides and zero-width characters
// (so "evil\u202Eexe.txt" shows as "evil⟨RLO⟩exe.txt", never as "evilexe.txt"
// reversed). No character is dropped: each one is in exactly one segment's
// `original`, and a marker shows in place of every one that is not shown as text.
// The component (UntrustedText.svelte) makes text nodes of these, never HTML.

/** A piece of displayed text. `original` is the input it stands for. */
export type Segment =
  /** Text shown as it is; `style` holds the ANSI classes in force ('' for none). */
  | { kind: 'text'; text: string; original: string; style: string }
  /** A visible stand-in (`label`, with `title` naming the code point) for an invisible character. */
  | { kind: 'mark'; label: string; title: string; original: string; style: string }
  /** An ANSI SGR sequence, applied as the style of what follows; shows nothing itself. */
  | { kind: 'escape'; original: string };

export interface DisplayOptions {
  /** Keep line breaks (LF, CRLF) as breaks for a multi-line view; otherwise they show as ⏎. */
  lines?: boolean;
}

const C0 = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];
const C1 = [
  'PAD', 'HOP', 'BPH', 'NBH', 'IND', 'NEL', 'SSA', 'ESA', 'HTS', 'HTJ', 'VTS', 'PLD', 'PLU', 'RI', 'SS2', 'SS3',
  'DCS', 'PU1', 'PU2', 'STS', 'CCH', 'MW', 'SPA', 'EPA', 'SOS', 'SGCI', 'SCI', 'CSI', 'ST', 'OSC', 'PM', 'APC',
];

/** Invisible format characters: bidirectional controls, zero-width characters and their kin. */
const FORMAT: ReadonlyMap<number, [short: string, name: string]> = new Map([
  [0x00ad, ['SHY', 'SOFT HYPHEN']],
  [0x034f, ['CGJ', 'COMBINING GRAPHEME JOINER']],
  [0x061c, ['ALM', 'ARABIC LETTER MARK']],
  [0x180e, ['MVS', 'MONGOLIAN VOWEL SEPARATOR']],
  [0x200b, ['ZWSP', 'ZERO WIDTH SPACE']],
  [0x200c, ['ZWNJ', 'ZERO WIDTH NON-JOINER']],
  [0x200d, ['ZWJ', 'ZERO WIDTH JOINER']],
  [0x200e, ['LRM', 'LEFT-TO-RIGHT MARK']],
  [0x200f, ['RLM', 'RIGHT-TO-LEFT MARK']],
  [0x2028, ['LSEP', 'LINE SEPARATOR']],
  [0x2029, ['PSEP', 'PARAGRAPH SEPARATOR']],
  [0x202a, ['LRE', 'LEFT-TO-RIGHT EMBEDDING']],
  [0x202b, ['RLE', 'RIGHT-TO-LEFT EMBEDDING']],
  [0x202c, ['PDF', 'POP DIRECTIONAL FORMATTING']],
  [0x202d, ['LRO', 'LEFT-TO-RIGHT OVERRIDE']],
  [0x202e, ['RLO', 'RIGHT-TO-LEFT OVERRIDE']],
  [0x2060, ['WJ', 'WORD JOINER']],
  [0x2061, ['FA', 'FUNCTION APPLICATION']],
  [0x2062, ['IT', 'INVISIBLE TIMES']],
  [0x2063, ['IS', 'INVISIBLE SEPARATOR']],
  [0x2064, ['IP', 'INVISIBLE PLUS']],
  [0x2066, ['LRI', 'LEFT-TO-RIGHT ISOLATE']],
  [0x2067, ['RLI', 'RIGHT-TO-LEFT ISOLATE']],
  [0x2068, ['FSI', 'FIRST STRONG ISOLATE']],
  [0x2069, ['PDI', 'POP DIRECTIONAL ISOLATE']],
  [0xfeff, ['BOM', 'ZERO WIDTH NO-BREAK SPACE (byte order mark)']],
  [0xfff9, ['IAA', 'INTERLINEAR ANNOTATION ANCHOR']],
  [0xfffa, ['IAS', 'INTERLINEAR ANNOTATION SEPARATOR']],
  [0xfffb, ['IAT', 'INTERLINEAR ANNOTATION TERMINATOR']],
]);

const PICTOGRAPH = /^[\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}]$/u;
const PICTOGRAPH_START = /^\p{Extended_Pictographic}$/u;

/** "U+202E" for a code point. */
export function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The marker of an invisible character, or null for one shown as text. */
function markOf(code: number): { label: string; title: string } | null {
  if (code < 0x20 || code === 0x7f) {
    const short = code === 0x7f ? 'DEL' : C0[code]!;
    return { label: `⟨${short}⟩`, title: `${codePointName(code)} ${short} (a control character)` };
  }
  if (code >= 0x80 && code <= 0x9f) {
    const short = C1[code - 0x80]!;
    return { label: `⟨${short}⟩`, title: `${codePointName(code)} ${short} (a C1 control character)` };
  }
  const format = FORMAT.get(code);
  if (format) return { label: `⟨${format[0]}⟩`, title: `${codePointName(code)} ${format[1]} (invisible)` };
  if (code >= 0xd800 && code <= 0xdfff) {
    return { label: '⟨?⟩', title: `${codePointName(code)} a lone surrogate (not a character)` };
  }
  return null;
}

// ---- ANSI escape sequences ------------------------------------------------------------

interface Style {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };

/** The xterm colours of the 16 palette entries, to map 256-colour and true colour onto them. */
const XTERM_16: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
  [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255], [255, 255, 255],
];

/** The palette entry (0–15) nearest to an RGB colour. */
export function nearestColour(red: number, green: number, blue: number): number {
  let best = 0;
  let bestDistance = Infinity;
  XTERM_16.forEach(([r, g, b], index) => {
    const distance = (r - red) ** 2 + (g - green) ** 2 + (b - blue) ** 2;
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}

/** A colour of the 256-colour table as a palette entry (0–15). */
export function colour256(index: number): number | null {
  if (!Number.isInteger(index) || index < 0 || index > 255) return null;
  if (index < 16) return index;
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return nearestColour(level, level, level);
  }
  const cube = index - 16;
  const step = (value: number) => (value === 0 ? 0 : 55 + value * 40);
  return nearestColour(step(Math.floor(cube / 36)), step(Math.floor(cube / 6) % 6), step(cube % 6));
}

/** The style after the SGR parameters `params` ("1;31", "38;5;208", "" = reset). */
export function applySgr(style: Style, params: string): Style {
  const codes = params.split(/[;:]/).map((part) => (part === '' ? 0 : Number(part)));
  let next = { ...style };
  for (let at = 0; at < codes.length; at++) {
    const code = codes[at]!;
    if (code === 0) next = { ...PLAIN };
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 21 || code === 22) next = { ...next, bold: false, dim: false };
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 49) next.bg = null;
    else if (code === 38 || code === 48) {
      // 38;5;n (256 colours) or 38;2;r;g;b (true colour); a short one is ignored.
      let colour: number | null = null;
      if (codes[at + 1] === 5) {
        colour = colour256(codes[at + 2] ?? -1);
        at += 2;
      } else if (codes[at + 1] === 2) {
        const [red, green, blue] = [codes[at + 2], codes[at + 3], codes[at + 4]];
        if ([red, green, blue].every((value) => value !== undefined && value >= 0 && value <= 255)) {
          colour = nearestColour(red!, green!, blue!);
        }
        at += 4;
      }
      if (colour !== null) {
        if (code === 38) next.fg = colour;
        else next.bg = colour;
      }
    }
    // Blink, inverse, conceal (which would hide text), strike and the rest: ignored.
  }
  return next;
}

/** The classes of a style: `ansi-fg-N`, `ansi-bg-N`, `ansi-bold`, …; '' for plain text. */
export function styleClasses(style: Style): string {
  const classes: string[] = [];
  if (style.fg !== null) classes.push(`ansi-fg-${style.fg}`);
  if (style.bg !== null) classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return classes.join(' ');
}

/** Longest escape sequence we read as one; a longer one is shown character by character. */
const MAX_SEQUENCE = 512;

type Sequence = { end: number; sgr: string | null };

/** The escape sequence starting at `text[at]` (an ESC), or null when it is malformed or cut short. */
function sequenceAt(text: string, at: number): Sequence | null {
  const kind = text[at + 1];
  if (kind === undefined) return null;
  const limit = Math.min(text.length, at + MAX_SEQUENCE);
  if (kind === '[') {
    // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, a final byte 0x40–0x7E.
    let index = at + 2;
    while (index < limit && text.charCodeAt(index) >= 0x30 && text.charCodeAt(index) <= 0x3f) index++;
    const paramsEnd = index;
    while (index < limit && text.charCodeAt(index) >= 0x20 && text.charCodeAt(index) <= 0x2f) index++;
    const final = text.charCodeAt(index);
    if (index >= limit || final < 0x40 || final > 0x7e) return null;
    const params = text.slice(at + 2, paramsEnd);
    const sgr = text[index] === 'm' && paramsEnd === index && /^[0-9;:]*$/.test(params) ? params : null;
    return { end: index + 1, sgr };
  }
  if (kind === ']' || kind === 'P' || kind === '_' || kind === '^' || kind === 'X') {
    // OSC, DCS, APC, PM, SOS: a string up to BEL (OSC only) or ST (ESC \).
    for (let index = at + 2; index < limit; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x07 && kind === ']') return { end: index + 1, sgr: null };
      if (code === 0x1b) return text[index + 1] === '\\' ? { end: index + 2, sgr: null } : null;
    }
    return null;
  }
  const code = text.charCodeAt(at + 1);
  // Two-character escapes (ESC c, ESC 7, ESC =, …).
  if (code >= 0x30 && code <= 0x7e) return { end: at + 2, sgr: null };
  return null;
}

/** A sequence as text for its marker: controls inside by their names. */
function sequenceLabel(sequence: string): string {
  let out = '';
  for (const char of sequence) {
    const code = char.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f ? (code === 0x7f ? 'DEL' : C0[code]!) + (code === 0x1b ? '' : ' ') : char;
  }
  return `⟨${out.trimEnd()}⟩`;
}

// ---- segmenting --------------------------------------------------------------------------

/** `text` as display segments (see the top of this file). */
export function displaySegments(text: string, options: DisplayOptions = {}): Segment[] {
  const segments: Segment[] = [];
  let style = PLAIN;
  let classes = '';
  let run = '';
  let runOriginal = '';
  const flush = () => {
    if (runOriginal !== '') segments.push({ kind: 'text', text: run, original: runOriginal, style: classes });
    run = '';
    runOriginal = '';
  };
  const mark = (label: string, title: string, original: string) => {
    flush();
    segments.push({ kind: 'mark', label, title, original, style: classes });
  };
  let at = 0;
  while (at < text.length) {
    const code = text.codePointAt(at)!;
    const char = String.fromCodePoint(code);
    if (code === 0x1b) {
      const sequence = sequenceAt(text, at);
      if (sequence) {
        const original = text.slice(at, sequence.end);
        if (sequence.sgr !== null) {
          flush();
          segments.push({ kind: 'escape', original });
          style = applySgr(style, sequence.sgr);
          classes = styleClasses(style);
        } else {
          mark(sequenceLabel(original), 'a terminal control sequence (not applied)', original);
        }
        at = sequence.end;
        continue;
      }
    }
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(at + 1) === 0x0a)) {
      const original = code === 0x0d ? '\r\n' : '\n';
      if (options.lines) {
        run += '\n';
        runOriginal += original;
      } else {
        const name = code === 0x0d ? 'U+000D U+000A CR LF' : 'U+000A LF';
        mark('⏎', `${name} (a line break)`, original);
      }
      at += original.length;
      continue;
    }
    if (code === 0x09) {
      run += char;
      runOriginal += char;
      at += 1;
      continue;
    }
    const marker = markOf(code);
    if (marker && !(code === 0x200d && joinsPictographs(text, at))) {
      mark(marker.label, marker.title, char);
    } else {
      run += char;
      runOriginal += char;
    }
    at += char.length;
  }
  flush();
  return segments;
}

/** A zero width joiner between two pictographs is part of an emoji (👩‍💻), not a hiding place. */
function joinsPictographs(text: string, at: number): boolean {
  const before = at > 0 ? String.fromCodePoint(text.codePointAt(at - 1 - (isLowSurrogate(text, at - 1) ? 1 : 0))!) : '';
  const after = text.codePointAt(at + 1);
  return PICTOGRAPH.test(before) && after !== undefined && PICTOGRAPH_START.test(String.fromCodePoint(after));
}

function isLowSurrogate(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return at > 0 && code >= 0xdc00 && code <= 0xdfff;
}

/** What the segments show, as one string (markers by their labels): for titles and labels. */
export function displayText(text: string, options: DisplayOptions = {}): string {
  return displaySegments(text, options)
    .map((segment) => (segment.kind === 'text' ? segment.text : segment.kind === 'mark' ? segment.label : ''))
    .join('');
}

/** The input the segments came from (every character is in exactly one segment). */
export function originalOf(segments: readonly Segment[]): string {
  return segments.map((segment) => segment.original).join('');
}
