// In-trace search: which spans match a text (case-insensitive, in the name, the
// service, the status message or any attribute key or value).

export interface SearchableSpan {
  name: string;
  service: string;
  status_message: string;
  attributes: unknown;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key} ${textOf(item)}`)
      .join(' ');
  }
  return String(value);
}

/** Indexes of the spans matching `text`; empty text matches none. */
export function matchSpans(spans: readonly SearchableSpan[], text: string): Set<number> {
  const needle = text.trim().toLowerCase();
  const out = new Set<number>();
  if (needle === '') return out;
  spans.forEach((span, index) => {
    const hay = `${span.name} ${span.service} ${span.status_message} ${textOf(span.attributes)}`;
    if (hay.toLowerCase().includes(needle)) out.add(index);
  });
  return out;
}
