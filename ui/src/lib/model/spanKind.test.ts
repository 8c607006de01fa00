import { describe, expect, it } from 'vitest';
import { spanKindName } from './spanKind';

describe('spanKindName', () => {
  it('names the OTLP span kinds, and shows an unknown number as it is', () => {
    expect([0, 1, 2, 3, 4, 5].map(spanKindName)).toEqual([
      'unspecified', 'internal', 'server', 'client', 'producer', 'consumer',
    ]);
    expect(spanKindName(9)).toBe('kind 9');
    expect(spanKindName(-1)).toBe('kind -1');
  });
});
