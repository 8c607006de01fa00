// The one place a count becomes words: "1 trace", "2 traces", "at least 200 lines",
// "No trace matches `x` (40 in the case)". Numbers go through `formatCount`; a count
// the UI only knows a bound of says so instead of printing the bound as the count.
import { formatCount } from './format';

/** A noun in its two forms: `["match", "matches"]`, or the singular when the plural adds an s. */
export type Noun = string | readonly [one: string, many: string];

/** How much of a count is known. */
export type Tally =
  /** Exactly this many. */
  | { kind: 'exact'; count: number }
  /** This many so far, and more that were not counted. */
  | { kind: 'atLeast'; count: number }
  /** An estimate. */
  | { kind: 'about'; count: number };

/** The noun for `count`: `noun(1, 'line')` → "line", `noun(0, 'line')` → "lines". */
export function noun(count: number, word: Noun): string {
  const [one, many] = typeof word === 'string' ? [word, `${word}s`] : word;
  return Math.abs(count) === 1 ? one : many;
}

/** "1 trace", "0 traces", "1 234 lines". */
export function countOf(count: number, word: Noun): string {
  return `${formatCount(count)} ${noun(count, word)}`;
}

/** A tally in words: "364 lines", "at least 200 lines", "about 5 000 lines". */
export function tallyOf(tally: Tally, word: Noun): string {
  const text = countOf(tally.count, word);
  if (tally.kind === 'atLeast') return `at least ${text}`;
  if (tally.kind === 'about') return `about ${text}`;
  return text;
}

/** A query as quoted in a message: trimmed, long ones cut. */
export function quoted(query: string, max = 60): string {
  const text = query.trim();
  return `\`${text.length > max ? `${text.slice(0, max - 1)}…` : text}\``;
}

/** What the trace list has: rows shown, whether they are all the matches, the query
 * they match and how many traces the case holds (null: not known yet). */
export interface TraceListCounts {
  shown: number;
  complete: boolean;
  query: string;
  inCase: number | null;
}

/** The trace list's footer: "40 traces", "500 of 40 000 traces", "12 traces match
 * (40 in the case)", "at least 500 traces match (40 000 in the case)". */
export function traceListSummary({ shown, complete, query, inCase }: TraceListCounts): string {
  const tally: Tally = { kind: complete ? 'exact' : 'atLeast', count: shown };
  const ofCase = inCase === null ? '' : ` (${formatCount(inCase)} in the case)`;
  if (query.trim() === '') {
    if (complete || inCase === null) return tallyOf(tally, 'trace');
    return `${formatCount(shown)} of ${countOf(inCase, 'trace')}`;
  }
  const verb = tally.count === 1 && complete ? 'matches' : 'match';
  return `${tallyOf(tally, 'trace')} ${verb}${ofCase}`;
}

/** The trace list with no row: what matched nothing, out of how many. */
export function traceListEmpty(query: string, inCase: number | null): string {
  if (query.trim() === '' || inCase === 0) return 'No traces in this case.';
  const ofCase = inCase === null ? '' : ` (${countOf(inCase, 'trace')} in the case)`;
  return `No trace matches ${quoted(query)}${ofCase}.`;
}

/** What the log view has: the rows in its window, whether the window reaches both
 * ends of the matches, the engine's bounded count of them (`count_logs`; null until it
 * comes), the histogram's total (every match: null until it comes), whether a new
 * histogram is on its way (the one held is then an earlier query's), and, for the
 * logs of a span or trace, the most it reads. */
export interface LogCounts {
  shown: number;
  complete: boolean;
  atStart: boolean;
  counted: { count: number; exact: boolean } | null;
  histogramTotal: number | null;
  summarizing: boolean;
  scopeLimit: number | null;
}

/** How many log lines match, as far as known. */
export function logTally(counts: LogCounts): Tally {
  const { shown, complete, atStart, counted, histogramTotal, summarizing, scopeLimit } = counts;
  if (scopeLimit !== null) {
    return { kind: shown >= scopeLimit ? 'atLeast' : 'exact', count: shown };
  }
  if (complete && atStart) return { kind: 'exact', count: shown };
  if (counted?.exact) return { kind: 'exact', count: counted.count };
  if (histogramTotal !== null && !summarizing) return { kind: 'exact', count: histogramTotal };
  // The bound was passed: there are more than it.
  if (counted) return { kind: 'atLeast', count: Math.max(counted.count + 1, shown) };
  return { kind: 'atLeast', count: shown };
}

/** A facet's count: exact, or — counted on the query's first matches only — at least that. */
export function facetTally(count: number, exact: boolean): Tally {
  return { kind: exact ? 'exact' : 'atLeast', count };
}

/** The short count beside a facet value: "1 234", "≥ 1 234" (its words: `tallyOf`). */
export function facetCountText(tally: Tally): string {
  if (tally.kind === 'atLeast') return `≥ ${formatCount(tally.count)}`;
  if (tally.kind === 'about') return `≈ ${formatCount(tally.count)}`;
  return formatCount(tally.count);
}

/** Where the facets shown stand: estimated or exact, and whether the exact ones are
 * still being counted. */
export interface FacetsState {
  /** The facets shown count every match. */
  exact: boolean;
  /** How many matches an estimate was counted on. */
  sample: number;
  /** The exact facets are on their way. */
  counting: boolean;
  /** The facets shown replaced an estimate of the same query. */
  replacedEstimate: boolean;
}

/** The note shown under estimated facets; null when they are exact. */
export function facetsNote({ exact, sample, counting }: FacetsState): string | null {
  if (exact) return null;
  const first = `Estimate from the first ${countOf(sample, ['match', 'matches'])}`;
  return counting ? `${first}; counting all…` : first;
}

/** What a screen reader is told of the facets (a polite live region): the estimate,
 * then that the counts are exact once they replaced it; nothing for facets exact at once. */
export function facetsAnnouncement(state: FacetsState): string {
  if (!state.exact) {
    const first = `Facet counts are estimates from the first ${countOf(state.sample, ['match', 'matches'])}`;
    return state.counting ? `${first}; counting all…` : `${first}.`;
  }
  return state.replacedEstimate ? 'Facet counts are now exact.' : '';
}

/** The log view with no row: what matched nothing, out of how many. */
export function logsEmpty(query: string, inCase: number | null, scope: 'span' | 'trace' | null): string {
  if (scope) return `No log lines of this ${scope}.`;
  if (query.trim() === '' || inCase === 0) return 'No logs in this case.';
  const ofCase = inCase === null ? '' : ` (${countOf(inCase, 'log')} in the case)`;
  return `No log line matches ${quoted(query)}${ofCase}.`;
}

/** The sum of a histogram's counts: every match of its query. */
export function histogramTotal(counts: readonly (readonly number[])[]): number {
  let total = 0;
  for (const bucket of counts) for (const count of bucket) total += count;
  return total;
}

/** What the Listen switch's receiver took in so far (issue 20). */
export interface Received {
  requests: number;
  spans: number;
  logs: number;
  /** Records refused (partial success) and requests refused whole. */
  rejected: number;
}

/** The popover's line: "3 requests · 18 spans · 20 logs · 0 rejected". */
export function receivedText({ requests, spans, logs, rejected }: Received): string {
  return `${countOf(requests, 'request')} · ${countOf(spans, 'span')} · ${countOf(logs, 'log')} · ${formatCount(rejected)} rejected`;
}

/** The switch's own short line: "18 spans · 20 logs", "nothing yet", with "· 2 rejected" when some were. */
export function receivedShort({ requests, spans, logs, rejected }: Received): string {
  const taken = requests === 0 ? 'nothing yet' : `${countOf(spans, 'span')} · ${countOf(logs, 'log')}`;
  return rejected > 0 ? `${taken} · ${formatCount(rejected)} rejected` : taken;
}
