// Facets as search terms: a click on a service, level or source of the log view's
// facets adds `field:value` to the search box's query. Pure text; the engine
// parses the result (src/query/lex.rs: a value may be a "quoted" string).

export type FacetField = 'service' | 'level' | 'source';

/** The query term for `field` = `value`; null when the language cannot say it. */
export function facetTerm(field: FacetField, value: string): string | null {
  if (value === '') return null;
  if (!/[\s"]/.test(value)) return `${field}:${value}`;
  if (value.includes('"')) return null;
  return `${field}:"${value}"`;
}

/** `query` with `term` added (once): the query now also requires it. */
export function addTerm(query: string, term: string): string {
  const trimmed = query.trim();
  if (trimmed === '') return term;
  if (trimmed.split(/\s+/).includes(term)) return trimmed;
  return `${trimmed} ${term}`;
}
