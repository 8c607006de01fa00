import { describe, expect, it } from 'vitest';
import { matchSpans } from './spanSearch';

const span = (name: string, attributes: unknown = {}, service = 'checkout') => ({
  name,
  service,
  status_message: '',
  attributes,
});

describe('matchSpans', () => {
  const spans = [
    span('POST /pay', { 'http.status_code': 504 }),
    span('SELECT orders', { db: { statement: 'select * from Orders' } }),
    span('GET /health', {}, 'frontend'),
  ];

  it('matches names, services and attribute keys and values, ignoring case', () => {
    expect([...matchSpans(spans, 'orders')]).toEqual([1]);
    expect([...matchSpans(spans, '504')]).toEqual([0]);
    expect([...matchSpans(spans, 'FRONTEND')]).toEqual([2]);
    expect([...matchSpans(spans, 'statement')]).toEqual([1]);
  });

  it('matches nothing for empty text', () => {
    expect(matchSpans(spans, '  ').size).toBe(0);
  });
});
