// How much of a long text to show before "show all": log bodies and attribute
// values can be megabytes on one line or thousands of lines. Also the first line
// and the number of lines of a body, for its collapsed row.

export interface Folded {
  /** The start of the text to show (all of it when `folded` is false). */
  shown: string;
  folded: boolean;
  /** UTF-8 bytes of the whole text, for "show all 50 KB". */
  bytes: number;
  /** Lines of the whole text. */
  lines: number;
}

export interface FoldLimits {
  maxChars: number;
  maxLines: number;
}

/** Bodies in an expanded log row: 4 KB or 40 lines before "show all". */
export const BODY_FOLD: FoldLimits = { maxChars: 4096, maxLines: 40 };
/** Attribute values: 1 KB or 20 lines before "show all". */
export const VALUE_FOLD: FoldLimits = { maxChars: 1024, maxLines: 20 };

/** UTF-8 length of `text`. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && at + 1 < text.length) {
      const next = text.charCodeAt(at + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        at++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** "812 B", "50 KB", "1.2 MB" (1 KB = 1024 bytes). */
export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** Lines of `text`: breaks are LF or CR LF; a last break ends the last line and starts none. */
export function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    if (at < text.length - 1) lines++;
  }
  return lines;
}

/** The first line of `text` (without its break), at most `maxChars` long. */
export function firstLine(text: string, maxChars = 2000): string {
  const end = text.indexOf('\n');
  let line = end < 0 ? text : text.slice(0, end > 0 && text[end - 1] === '\r' ? end - 1 : end);
  if (line.length > maxChars) line = cutAt(line, maxChars);
  return line;
}

/** `text` cut to at most `at` UTF-16 units, not inside a surrogate pair or an escape sequence. */
function cutAt(text: string, at: number): string {
  let end = Math.min(at, text.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  // An ESC in the last stretch: cut before it, so no sequence is shown half.
  const escape = text.lastIndexOf('\u001b', end - 1);
  if (escape >= 0 && end - escape < 64 && !/^\u001b\[[0-9;:]*[@-~]/.test(text.slice(escape, end))) end = escape;
  return text.slice(0, end);
}

/** The part of `text` to show at first under `limits`, and what the whole is. */
export function foldText(text: string, limits: FoldLimits): Folded {
  const bytes = utf8Bytes(text);
  const lines = lineCount(text);
  let end = text.length;
  if (lines > limits.maxLines) {
    let at = -1;
    for (let line = 0; line < limits.maxLines; line++) at = text.indexOf('\n', at + 1);
    end = text[at - 1] === '\r' ? at - 1 : at;
  }
  if (end > limits.maxChars) end = limits.maxChars;
  if (end >= text.length) return { shown: text, folded: false, bytes, lines };
  return { shown: cutAt(text, end), folded: true, bytes, lines };
}
