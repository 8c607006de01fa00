// A JSON value as indented lines for a tree view: one line per key or item,
// with the scalar's text. The view renders these as text nodes, never as HTML.

export interface JsonLine {
  depth: number;
  /** The key (object) or index (array); null for the top value. */
  key: string | null;
  /** The scalar as JSON text, or `{…}` / `[…]` with a size for a container. */
  text: string;
  kind: 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
  /** A string's own text (untrusted: the view shows it through UntrustedText, folded when long). */
  string?: string;
}

/** Lines for `value`, at most `maxLines` (a last line says how many were left out). */
export function jsonLines(value: unknown, maxLines = 500): JsonLine[] {
  const out: JsonLine[] = [];
  let omitted = 0;
  const walk = (node: unknown, key: string | null, depth: number) => {
    if (out.length >= maxLines) {
      omitted++;
      return;
    }
    if (Array.isArray(node)) {
      out.push({ depth, key, text: `[${node.length}]`, kind: 'array' });
      node.forEach((item, index) => walk(item, String(index), depth + 1));
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node as Record<string, unknown>);
      out.push({ depth, key, text: `{${entries.length}}`, kind: 'object' });
      for (const [name, item] of entries) walk(item, name, depth + 1);
    } else if (typeof node === 'string') {
      out.push({ depth, key, text: JSON.stringify(node), kind: 'string', string: node });
    } else {
      const kind = node === null || node === undefined ? 'null' : (typeof node as JsonLine['kind']);
      out.push({ depth, key, text: JSON.stringify(node ?? null), kind });
    }
  };
  walk(value, null, 0);
  if (omitted > 0) out.push({ depth: 0, key: null, text: `… ${omitted} more`, kind: 'null' });
  return out;
}
