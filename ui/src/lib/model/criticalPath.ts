// The critical path and self time of the trace on screen, as the waterfall shows
// them: the engine computes both (src/analysis/critical_path.rs, sent by
// `get_trace` as offsets from the trace's start); this module only places them.
// A row's path sections are its span's own, and when the row is collapsed, those
// of every span it hides, so a collapsed subtree still shows where the time went.
import type { RowState, SpanTree } from './rowStates';

export interface PathSection {
  span_id: string;
  start_offset_ns: number;
  end_offset_ns: number;
}

export interface RowSection {
  fromNs: number;
  toNs: number;
  /** The section belongs to a span the collapsed row hides, not to the row's own. */
  hidden: boolean;
}

interface SpanId {
  span_id: string;
}

/** The path sections drawn on each row (by row index), for rows that have any. */
export function rowPathSections(
  spans: readonly SpanId[],
  tree: SpanTree,
  rows: readonly RowState[],
  path: readonly PathSection[],
): Map<number, RowSection[]> {
  const bySpan = new Map<string, PathSection[]>();
  for (const section of path) {
    const list = bySpan.get(section.span_id);
    if (list) list.push(section);
    else bySpan.set(section.span_id, [section]);
  }
  const out = new Map<number, RowSection[]>();
  rows.forEach((row, rowIndex) => {
    const sections: RowSection[] = [];
    const own = (spanIndex: number, hidden: boolean) => {
      for (const section of bySpan.get(spans[spanIndex]!.span_id) ?? []) {
        sections.push({ fromNs: section.start_offset_ns, toNs: section.end_offset_ns, hidden });
      }
    };
    // A placeholder (a missing parent) is on no path; collapsed, it shows its orphans'.
    if (!row.placeholder) own(row.span, false);
    if (row.collapsed) {
      const stack = [...(tree.children[row.node] ?? [])];
      while (stack.length > 0) {
        const at = stack.pop()!;
        own(at, true);
        stack.push(...(tree.children[at] ?? []));
      }
    }
    if (sections.length > 0) {
      sections.sort((a, b) => a.fromNs - b.fromNs);
      out.set(rowIndex, sections);
    }
  });
  return out;
}

/** Where sections lie on a lane showing [view.fromNs, view.toNs], as fractions of its
 *  width; sections outside the view are left out, those across its edges cut. */
export function pathGeometry(
  sections: readonly RowSection[],
  view: { fromNs: number; toNs: number },
): { left: number; width: number; hidden: boolean }[] {
  const viewNs = view.toNs - view.fromNs;
  if (!(viewNs > 0)) return [];
  return sections
    .filter((section) => section.toNs > view.fromNs && section.fromNs < view.toNs)
    .map((section) => {
      const left = (Math.max(section.fromNs, view.fromNs) - view.fromNs) / viewNs;
      const right = (Math.min(section.toNs, view.toNs) - view.fromNs) / viewNs;
      return { left, width: right - left, hidden: section.hidden };
    });
}

export interface RankedSpan {
  spanId: string;
  ns: number;
}

/** The `limit` spans with the most time on the path (ties: the lower span id). */
export function topOnPath(path: readonly PathSection[], limit: number): RankedSpan[] {
  const bySpan = new Map<string, number>();
  for (const section of path) {
    const ns = section.end_offset_ns - section.start_offset_ns;
    bySpan.set(section.span_id, (bySpan.get(section.span_id) ?? 0) + ns);
  }
  return ranked([...bySpan].map(([spanId, ns]) => ({ spanId, ns })), limit);
}

/** The `limit` spans with the most self time (ties: the lower span id). */
export function topSelf(spans: readonly { span_id: string; self_ns: number }[], limit: number): RankedSpan[] {
  return ranked(
    spans.map((span) => ({ spanId: span.span_id, ns: span.self_ns })),
    limit,
  );
}

function ranked(spans: RankedSpan[], limit: number): RankedSpan[] {
  return spans
    .filter((span) => span.ns > 0)
    .sort((a, b) => b.ns - a.ns || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0))
    .slice(0, limit);
}
