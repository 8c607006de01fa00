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

  it('matches the attributes of a span\'s resource, shared or not', () => {
    const pod = { 'service.name': 'checkout', 'k8s.pod.name': 'checkout-7d9f-x2k' };
    const withResources = [
      { ...span('POST /pay'), resource: pod },
      { ...span('SELECT orders'), resource: pod },
      { ...span('GET /health', {}, 'frontend'), resource: { 'host.name': 'edge-1' } },
      span('no resource'),
    ];
    expect([...matchSpans(withResources, 'X2K')]).toEqual([0, 1]);
    expect([...matchSpans(withResources, 'host.name')]).toEqual([2]);
    expect([...matchSpans(withResources, 'edge-1')]).toEqual([2]);
  });

  it('matches nothing for empty text', () => {
    expect(matchSpans(spans, '  ').size).toBe(0);
  });
});
