// The flags of marked rows (issue 18): App.svelte provides, through Svelte's context,
// which mark (if any) flags a span of the open trace or a log line, and what a click
// on a flag does (the mark shown in the Notebook). Rows ask MarkFlag.svelte, which
// reads this; a window without it (a component test) shows no flags.
import { getContext, setContext } from 'svelte';
import type { WireMark } from '../api/generated/bindings';

export interface MarkFlags {
  /** The first mark on span `spanId` of the open trace. */
  forSpan(spanId: string): WireMark | undefined;
  /** The first mark on log line `logId`. */
  forLog(logId: number): WireMark | undefined;
  /** Every mark (the charts flag them at their times). */
  all(): readonly WireMark[];
  /** Shows mark `markId` in the Notebook view. */
  show(markId: number): void;
}

const KEY = Symbol('mark-flags');

export function provideMarkFlags(flags: MarkFlags): void {
  setContext(KEY, flags);
}

export function markFlags(): MarkFlags | undefined {
  return getContext<MarkFlags | undefined>(KEY);
}
