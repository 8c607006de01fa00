import { describe, expect, it } from 'vitest';
import { levelColour, levelOf } from './levels';

describe('levels', () => {
  it('maps OTel severity numbers to their classes', () => {
    expect([0, 1, 4, 5, 9, 12, 13, 17, 21, 24, 99].map(levelOf)).toEqual([
      'unspecified', 'trace', 'trace', 'debug', 'info', 'info', 'warn', 'error', 'fatal', 'fatal',
      'fatal',
    ]);
  });

  it('gives each level its theme colour', () => {
    expect(levelColour('error')).toBe('var(--level-error)');
  });
});
