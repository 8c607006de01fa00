import { describe, expect, it } from 'vitest';
import { BODY_FOLD, firstLine, foldText, lineCount, sizeLabel, utf8Bytes, VALUE_FOLD } from './fold';

describe('lineCount and firstLine', () => {
  it('counts LF and CR LF breaks, a last break starting no line', () => {
    expect(lineCount('')).toBe(1);
    expect(lineCount('one')).toBe(1);
    expect(lineCount('one\n')).toBe(1);
    expect(lineCount('one\ntwo')).toBe(2);
    expect(lineCount('one\r\ntwo\r\nthree')).toBe(3);
    expect(lineCount('\n\n')).toBe(2);
  });

  it('gives the first line without its break, cut to a length', () => {
    expect(firstLine('PoolTimeoutError: timed out\n    at Pool.acquire')).toBe('PoolTimeoutError: timed out');
    expect(firstLine('windows\r\nline')).toBe('windows');
    expect(firstLine('x'.repeat(5000), 100)).toBe('x'.repeat(100));
    // Not inside a surrogate pair, nor inside an escape sequence.
    expect(firstLine(`${'a'.repeat(9)}😀`, 10)).toBe('a'.repeat(9));
    expect(firstLine(`${'a'.repeat(8)}\u001b[31mred`, 11)).toBe('a'.repeat(8));
    expect(firstLine(`a\u001b[31mred`, 8)).toBe('a\u001b[31mre');
  });
});

describe('sizes', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('山')).toBe(3);
    expect(utf8Bytes('😀')).toBe(4);
    expect(utf8Bytes('\ud800')).toBe(3);
  });

  it('labels a size', () => {
    expect(sizeLabel(812)).toBe('812 B');
    expect(sizeLabel(50 * 1024 + 300)).toBe('50 KB');
    expect(sizeLabel(1024 * 1024 * 1.25)).toBe('1.3 MB');
    expect(sizeLabel(2 * 1024 * 1024)).toBe('2 MB');
  });
});

describe('foldText', () => {
  it('leaves a short text whole', () => {
    const folded = foldText('short\nbody', BODY_FOLD);
    expect(folded).toEqual({ shown: 'short\nbody', folded: false, bytes: 10, lines: 2 });
  });

  it('folds a 50 KB line at the character limit and says how big the whole is', () => {
    const body = 'x'.repeat(50 * 1024);
    const folded = foldText(body, BODY_FOLD);
    expect(folded.folded).toBe(true);
    expect(folded.shown).toBe('x'.repeat(BODY_FOLD.maxChars));
    expect(sizeLabel(folded.bytes)).toBe('50 KB');
    expect(body.startsWith(folded.shown)).toBe(true);
  });

  it('folds many lines after the line limit', () => {
    const body = Array.from({ length: 100 }, (_, at) => `    at frame${at} (/app/src/f.js:${at}:1)`).join('\r\n');
    const folded = foldText(body, BODY_FOLD);
    expect(folded.folded).toBe(true);
    expect(folded.lines).toBe(100);
    expect(lineCount(folded.shown)).toBe(BODY_FOLD.maxLines);
    expect(folded.shown.endsWith('\r')).toBe(false);
    expect(body.startsWith(folded.shown)).toBe(true);
  });

  it('folds a 20 KB attribute value', () => {
    const folded = foldText('A'.repeat(20 * 1024), VALUE_FOLD);
    expect(folded.folded).toBe(true);
    expect(folded.shown.length).toBe(VALUE_FOLD.maxChars);
  });
});
