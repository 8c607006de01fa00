import { describe, expect, it } from 'vitest';
import { WeftError, type Doctor, type QualityApi } from '../api';
import { QualityStore } from './quality.svelte';

/** A shell that answers `doctor` with one finding per query, and records the queries. */
function shell(fail: string | null = null): QualityApi & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    traceFindings: async () => [],
    async doctor(query): Promise<Doctor> {
      asked.push(query);
      if (query === fail) throw new WeftError('query', 'unterminated phrase', 0);
      return {
        findings: [
          { rule: 'missing-parent', severity: 'error', count: query.length, traces: 1, services: ['a'], examples: [], message: 'm', fix: 'f' },
        ],
      };
    },
  };
}

describe('QualityStore', () => {
  it('loads the findings of a query once, again when forced', async () => {
    const api = shell();
    const store = new QualityStore(api);
    await store.load('svc:a');
    await store.load('svc:a');
    expect(api.asked).toEqual(['svc:a']);
    expect(store.findings.map((f) => f.count)).toEqual([5]);
    await store.load('svc:a', true);
    await store.load('');
    expect(api.asked).toEqual(['svc:a', 'svc:a', '']);
    expect(store.findings.map((f) => f.count)).toEqual([0]);
    expect(store.loading).toBe(false);
  });

  it('keeps the error of a query the engine refuses, and no findings', async () => {
    const store = new QualityStore(shell('"open'));
    await store.load('');
    await store.load('"open');
    expect(store.error?.code).toBe('query');
    expect(store.findings).toEqual([]);
  });

  it('remembers the finding whose example opened a trace, for that trace only', () => {
    const store = new QualityStore(shell());
    const finding = { rule: 'missing-parent', severity: 'error' as const, count: 1, traces: 1, services: [], examples: [], message: 'm', fix: 'f' };
    store.follow(finding, { trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8) });
    expect(store.ledTo('ab'.repeat(16))).toEqual({ traceId: 'ab'.repeat(16), rule: 'missing-parent', severity: 'error' });
    expect(store.ledTo('ef'.repeat(16))).toBe(null);
    // A log's example opens no trace: nothing leads anywhere then.
    store.follow(finding, { trace_id: 'ab'.repeat(16), log_id: 3 });
    expect(store.ledTo('ab'.repeat(16))).toBe(null);
  });
});
