// In-trace search: which spans match a text (case-insensitive, in the name, the
// service, the status message, or any key or value of the span's attributes or
// of its resource's attributes: host.name, k8s.pod.name, service.version, …).

export interface SearchableSpan {
  name: string;
  service: string;
  status_message: string;
  attributes: unknown;
  /** The resource's attributes; spans of one resource may share the object. */
  resource?: unknown;
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
  // Spans of one resource share its object: its text is made once.
  const resources = new Map<unknown, string>();
  const resourceText = (resource: unknown) => {
    let text = resources.get(resource);
    if (text === undefined) resources.set(resource, (text = textOf(resource).toLowerCase()));
    return text;
  };
  spans.forEach((span, index) => {
    const hay = `${span.name} ${span.service} ${span.status_message} ${textOf(span.attributes)}`;
    if (hay.toLowerCase().includes(needle) || resourceText(span.resource).includes(needle)) out.add(index);
  });
  return out;
}
