import { describe, expect, it } from 'vitest';
import { dotsInBox, rfc3339Ns, selectionQuery, selectionTerm } from './selectionQuery';

describe('dotsInBox', () => {
  const dots = [
    { traceId: 'a', x: 10, y: 10 },
    { traceId: 'b', x: 50, y: 40 },
    { traceId: 'c', x: 90, y: 90 },
  ];

  it('picks the dots inside, whichever way the box was drawn', () => {
    expect(dotsInBox(dots, { x0: 5, y0: 5, x1: 60, y1: 50 })).toEqual(['a', 'b']);
    expect(dotsInBox(dots, { x0: 95, y0: 95, x1: 45, y1: 35 })).toEqual(['b', 'c']);
    expect(dotsInBox(dots, { x0: 0, y0: 0, x1: 5, y1: 5 })).toEqual([]);
  });
});

describe('rfc3339Ns', () => {
  it('writes every nanosecond', () => {
    expect(rfc3339Ns(1_793_700_000_123_456_789n)).toBe('2026-11-03T10:00:00.123456789Z');
    expect(rfc3339Ns(1_793_700_000_000_000_001n)).toBe('2026-11-03T10:00:00.000000001Z');
    expect(rfc3339Ns(0n)).toBe('1970-01-01T00:00:00.000000000Z');
  });
});

describe('selectionQuery', () => {
  const start = 1_793_700_000_000_000_000;
  const traces = [
    { start_ns: start, duration_ns: 1_500_000_000 },
    { start_ns: start + 2_000_000_000, duration_ns: 2_250_000_123 },
  ];

  it('bounds the query to the picked traces, widened by the float error', () => {
    expect(selectionQuery('service:checkout', traces)).toBe(
      'service:checkout after:2026-11-03T09:59:59.999999600Z before:2026-11-03T10:00:02.000000401Z ' +
        'duration>=1500000000ns duration<=2250000123ns',
    );
  });

  it('replaces the bounds the query had, and keeps its other terms', () => {
    const query = 'after:2026-01-01 duration>1s timeout before:-15m';
    const bounded = selectionQuery(query, traces)!;
    expect(bounded.startsWith('timeout after:')).toBe(true);
    expect(bounded.match(/after:|before:|duration/g)).toHaveLength(4);
  });

  it('is null for an empty box', () => {
    expect(selectionQuery('x', [])).toBeNull();
  });
});

describe('selectionTerm', () => {
  it('says each kind of attribute as a term', () => {
    expect(selectionTerm('attr.http.status_code', '504')).toBe('attr.http.status_code=504');
    expect(selectionTerm('attr.db.statement', 'SELECT 1')).toBe('attr.db.statement="SELECT 1"');
    expect(selectionTerm('attr.payment.amount_cents', '[49188, 52800)')).toBe(
      'attr.payment.amount_cents>=49188 attr.payment.amount_cents<52800',
    );
    expect(selectionTerm('service', 'card-gateway')).toBe('service:card-gateway');
    expect(selectionTerm('resource.service.name', 'payments')).toBe('service:payments');
    expect(selectionTerm('name', 'POST /api/checkout')).toBe('name:"POST /api/checkout"');
    expect(selectionTerm('status', 'error')).toBe('status:error');
    expect(selectionTerm('status', 'unset')).toBe('status!=error');
  });

  it('is null for what the query language cannot say', () => {
    expect(selectionTerm('resource.host.name', 'web-1')).toBeNull();
    expect(selectionTerm('attr.note', 'say "hi"')).toBeNull();
    expect(selectionTerm('attr.odd key', 'x')).toBeNull();
  });
});
