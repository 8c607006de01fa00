// Fuzzy matching for the command palette: the query's characters in order, not
// necessarily adjacent ("opf" finds "Open files…"). Runs of adjacent characters
// and characters at the start of a word score higher, gaps and length lower, so the
// likely action comes first.

export interface FuzzyMatch {
  score: number;
  /** Indexes into the text of the matched characters (for highlighting). */
  positions: number[];
}

/** How `text` matches `query` (case-insensitive; spaces in the query are ignored), or null. */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const needle = query.toLowerCase().replace(/\s+/g, '');
  const haystack = text.toLowerCase();
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  for (const char of needle) {
    const at = haystack.indexOf(char, from);
    if (at < 0) return null;
    const previous = positions[positions.length - 1];
    if (previous !== undefined && at === previous + 1) score += 5;
    if (at === 0 || /[\s\-_:/(]/.test(haystack[at - 1]!)) score += 3;
    score -= Math.min(10, at - from) * 0.1;
    positions.push(at);
    from = at + 1;
  }
  // Of two equal matches, the shorter title is the closer one.
  return { score: score - text.length * 0.01, positions };
}

/**
 * The items matching `query`, best first (ties keep their order); an empty query
 * keeps every item in its order.
 */
export function fuzzyFilter<T>(query: string, items: readonly T[], textOf: (item: T) => string): T[] {
  if (query.trim() === '') return [...items];
  return items
    .map((item, index) => ({ item, index, match: fuzzyMatch(query, textOf(item)) }))
    .filter((entry): entry is { item: T; index: number; match: FuzzyMatch } => entry.match !== null)
    .sort((a, b) => b.match.score - a.match.score || a.index - b.index)
    .map((entry) => entry.item);
}
