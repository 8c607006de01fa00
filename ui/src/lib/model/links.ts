// Places of a case and their `weft://` links: what history records, tabs hold, the
// copy actions put on the clipboard, the search box opens instead of searching, and
// `weft-app 'weft://…'` opens at start (src-tauri/src/case.rs keeps it for us).
//
// The scheme (ids are lowercase hex, as the engine prints them):
//   weft://trace/<32 hex>                 a trace
//   weft://trace/<32 hex>/span/<16 hex>   a span of it (the trace opens at that span)
//   weft://log/<decimal id>               a log line (its id in the case)
//   weft://search?q=<urlencoded query>    a search (the query language)
//   weft://compare/<32 hex>/<32 hex>      two traces compared (A, then B)
// A link names a place in whatever case is open: it holds no case path.

export type Place =
  | { kind: 'trace'; traceId: string; spanId: string | null }
  | { kind: 'log'; logId: number }
  | { kind: 'search'; query: string }
  | { kind: 'compare'; a: string; b: string };

export const LINK_PREFIX = 'weft://';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** The `weft://` link of `place`. */
export function linkOf(place: Place): string {
  switch (place.kind) {
    case 'trace':
      return `${LINK_PREFIX}trace/${place.traceId}${place.spanId ? `/span/${place.spanId}` : ''}`;
    case 'log':
      return `${LINK_PREFIX}log/${place.logId}`;
    case 'search':
      return `${LINK_PREFIX}search?q=${encodeURIComponent(place.query)}`;
    case 'compare':
      return `${LINK_PREFIX}compare/${place.a}/${place.b}`;
  }
}

/** Whether `text` is meant as a link (the search box opens it instead of searching). */
export function isLink(text: string): boolean {
  return text.trim().toLowerCase().startsWith(LINK_PREFIX);
}

/** The place `text` links to, or a sentence saying what is wrong with it. */
export function parseLink(text: string): Place | { error: string } {
  const link = text.trim();
  if (!isLink(link)) return { error: `a link starts with ${LINK_PREFIX}` };
  const rest = link.slice(LINK_PREFIX.length);
  const queryAt = rest.indexOf('?');
  const path = (queryAt < 0 ? rest : rest.slice(0, queryAt)).replace(/\/+$/, '');
  const search = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const parts = path.split('/');
  if (parts[0] === 'trace') {
    const traceId = (parts[1] ?? '').toLowerCase();
    if (!TRACE_ID.test(traceId)) return { error: 'a trace id is 32 hex digits' };
    if (parts.length === 2) return { kind: 'trace', traceId, spanId: null };
    const spanId = (parts[3] ?? '').toLowerCase();
    if (parts[2] !== 'span' || parts.length !== 4 || !SPAN_ID.test(spanId)) {
      return { error: 'a span link is weft://trace/<32 hex>/span/<16 hex>' };
    }
    return { kind: 'trace', traceId, spanId };
  }
  if (parts[0] === 'log') {
    const id = parts[1] ?? '';
    if (parts.length !== 2 || !/^\d{1,15}$/.test(id)) return { error: 'a log link is weft://log/<id>' };
    return { kind: 'log', logId: Number(id) };
  }
  if (parts[0] === 'compare') {
    const [a, b] = [(parts[1] ?? '').toLowerCase(), (parts[2] ?? '').toLowerCase()];
    if (parts.length !== 3 || !TRACE_ID.test(a) || !TRACE_ID.test(b)) {
      return { error: 'a comparison link is weft://compare/<32 hex>/<32 hex>' };
    }
    return { kind: 'compare', a, b };
  }
  if (parts[0] === 'search' && parts.length === 1) {
    const q = new URLSearchParams(search.replace(/\+/g, '%2B')).get('q');
    if (q === null) return { error: 'a search link is weft://search?q=<query>' };
    return { kind: 'search', query: q };
  }
  return { error: `unknown place \`${parts[0]}\`: links name a trace, a span, a log, a search or a comparison` };
}

/** Whether two places are the same place. */
export function samePlace(a: Place, b: Place): boolean {
  return linkOf(a) === linkOf(b);
}
