// A fake of the windowed trace commands for Vitest: a generated tree held in
// memory, laid out in preorder (children by start) as the engine lays it out, with
// every call recorded and answers that can be held back to test ordering.
import { fakeSpan } from './fakeSearch';
import type { SpanView } from './types';
import type { BigRow, SummaryCell, TraceOutlineView, TraceRowsApi } from './traceRows';

export interface FakeSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: number;
  startNs: number;
  endNs: number;
  error: boolean;
}

/** A tree of `count` spans: span i's parent is span ⌊(i − 1) / fanout⌋; ids are hex of i. */
export function fakeTree(count: number, fanout = 4): FakeSpan[] {
  return Array.from({ length: count }, (_, index) => {
    const depth = index === 0 ? 0 : Math.floor(Math.log(index * (fanout - 1) + 1) / Math.log(fanout));
    return {
      spanId: index.toString(16).padStart(16, '0'),
      parentSpanId: index === 0 ? null : Math.floor((index - 1) / fanout).toString(16).padStart(16, '0'),
      name: `op-${index}`,
      service: index % 3,
      startNs: index * 10,
      endNs: index * 10 + 1000 - depth * 100,
      error: index % 7 === 0,
    };
  });
}

export function fakeTraceRows(spans: FakeSpan[], traceId = 'ab'.repeat(16)) {
  const children = new Map<string | null, FakeSpan[]>();
  for (const span of spans) {
    const list = children.get(span.parentSpanId) ?? [];
    list.push(span);
    children.set(span.parentSpanId, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.startNs - b.startNs);
  const byId = new Map(spans.map((span) => [span.spanId, span]));

  function layout(collapsed: readonly string[]): BigRow[] {
    const hidden = new Set(collapsed);
    const rows: BigRow[] = [];
    const walk = (span: FakeSpan, depth: number) => {
      const kids = children.get(span.spanId) ?? [];
      rows.push({
        row: rows.length,
        depth,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        name: span.name,
        service: span.service,
        startNs: span.startNs,
        endNs: span.endNs,
        error: span.error,
        logCount: 0,
        hasChildren: kids.length > 0,
        childCount: kids.length,
        placeholder: false,
      });
      if (!hidden.has(span.spanId)) for (const kid of kids) walk(kid, depth + 1);
    };
    for (const root of children.get(null) ?? []) walk(root, 0);
    return rows;
  }

  const calls: string[] = [];
  /** While set, `rows` answers wait for `release()`. */
  let held: Array<() => void> | null = null;
  const api: TraceRowsApi & { calls: string[]; hold(): void; release(): void } = {
    calls,
    hold: () => void (held = []),
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const wake of waiting) wake();
    },
    outline: async (id): Promise<TraceOutlineView> => {
      calls.push(`outline ${id}`);
      const full = layout([]);
      return {
        traceId,
        spanCount: spans.length,
        totalRows: full.length,
        maxDepth: Math.max(0, ...full.map((row) => row.depth)),
        startNs: '1000000000000000000',
        durationNs: Math.max(0, ...spans.map((span) => span.endNs)),
        services: ['a', 'b', 'c'],
        hasMissingParents: false,
      };
    },
    rows: async (_id, start, end, collapsed) => {
      calls.push(`rows ${start}..${end} [${collapsed.join(',')}]`);
      if (held) await new Promise<void>((wake) => held!.push(wake));
      const all = layout(collapsed);
      return { totalRows: all.length, rows: all.slice(start, end) };
    },
    summary: async (_id, buckets, collapsed): Promise<SummaryCell[]> => {
      calls.push(`summary ${buckets}`);
      return layout(collapsed).map((row) => ({ depth: row.depth, startNs: row.startNs, endNs: row.endNs, service: row.service, error: row.error, count: 1 }));
    },
    find: async (_id, text, collapsed) => {
      calls.push(`find ${text}`);
      const visible = new Map(layout(collapsed).map((row) => [row.spanId, row.row]));
      const matches = layout([])
        .filter((row) => row.name.includes(text))
        .map((row) => ({ spanId: row.spanId, row: visible.get(row.spanId) ?? null }));
      return { total: matches.length, matches };
    },
    rowOf: async (_id, spanId, collapsed) => layout(collapsed).find((row) => row.spanId === spanId)?.row ?? null,
    collapseToDepth: async (_id, depth) => layout([]).filter((row) => row.depth === depth && row.hasChildren).map((row) => row.spanId),
    span: async (_id, spanId): Promise<SpanView | null> => {
      const span = byId.get(spanId);
      if (!span) return null;
      return {
        ...fakeSpan(span.spanId, span.parentSpanId, span.startNs, span.endNs, 0),
        name: span.name,
        service: ['a', 'b', 'c'][span.service]!,
        status: span.error ? 'error' : 'unset',
      };
    },
  };
  return api;
}
