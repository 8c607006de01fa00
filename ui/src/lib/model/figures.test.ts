import { describe, expect, it } from 'vitest';
import type { Stats } from '../api/types';
import { caseFigures } from './figures';

const stats: Stats = {
  sources: 2,
  traces: 3,
  spans: 40,
  error_spans: 1,
  logs: 10,
  logs_span_linked: 6,
  logs_trace_linked: 2,
  logs_orphan: 0,
  logs_unlinked: 2,
  services: [],
};

describe('caseFigures', () => {
  it('lists totals, then the four link states, each once', () => {
    const groups = caseFigures(stats);
    const keys = groups.flatMap((group) => group.figures.map((figure) => figure.key));
    expect(keys).toEqual([
      'sources',
      'traces',
      'spans',
      'error-spans',
      'logs',
      'logs-span-linked',
      'logs-trace-linked',
      'logs-orphan',
      'logs-unlinked',
    ]);
    const links = groups[1]!.figures.reduce((sum, figure) => sum + figure.value, 0);
    expect(links).toBe(stats.logs);
  });

  it('marks error spans and orphans only when there are some', () => {
    const figures = caseFigures(stats).flatMap((group) => group.figures);
    const byKey = new Map(figures.map((figure) => [figure.key, figure]));
    expect(byKey.get('error-spans')!.tone).toBe('bad');
    expect(byKey.get('logs-orphan')!.tone).toBe('plain');
    expect(byKey.get('spans')!.tone).toBe('plain');
  });
});

describe('the link-state counts', () => {
  it('carry the query that lists their logs, the totals none', () => {
    const figures = caseFigures(stats).flatMap((group) => group.figures);
    const queries = Object.fromEntries(figures.map((figure) => [figure.key, figure.query ?? null]));
    expect(queries).toMatchObject({
      logs: null,
      'logs-span-linked': 'link:span',
      'logs-trace-linked': 'link:trace',
      'logs-orphan': 'link:orphan',
      'logs-unlinked': 'link:unlinked',
    });
  });
});
