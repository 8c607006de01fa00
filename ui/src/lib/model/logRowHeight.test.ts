import { describe, expect, it } from 'vitest';
import { BODY_FOLD } from './fold';
import { expandedHeight, TEXT_LINE_HEIGHT } from './logRowHeight';

describe('expandedHeight', () => {
  it('grows with the lines of the body and of the attributes', () => {
    const one = expandedHeight('one line', 0, false);
    expect(expandedHeight('one\ntwo\nthree', 0, false)).toBe(one + 2 * TEXT_LINE_HEIGHT);
    expect(expandedHeight('one line', 4, false)).toBe(one + 4 * TEXT_LINE_HEIGHT);
  });

  it('counts a folded body up to the fold, a whole one to its end', () => {
    const body = Array.from({ length: 500 }, (_, at) => `line ${at}`).join('\n');
    const one = expandedHeight('x', 0, false);
    expect(expandedHeight(body, 0, false)).toBe(one + (BODY_FOLD.maxLines - 1) * TEXT_LINE_HEIGHT);
    expect(expandedHeight(body, 0, true)).toBe(one + 499 * TEXT_LINE_HEIGHT);
  });
});
