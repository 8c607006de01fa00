// What the search box offers to complete at the cursor: a field name (`lev` →
// `level:`), an attribute key after `attr.`, or a value of a field that has a list
// of them (levels, `status:`, `link:` from the engine's query language; services
// from the case). Pure: the words come from the engine (`query_vocabulary`), the
// text and cursor from the box. Inside a "phrase" or a /regex/ nothing is offered.
import type { Vocabulary } from '../api';

/** The most suggestions offered at once. */
export const MAX_SUGGESTIONS = 8;

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** The text that replaces the token under the cursor. */
  insert: string;
  kind: 'field' | 'key' | 'value';
}

/** The suggestions for the token that ends at the cursor, and where it lies. */
export interface Completion {
  /** Start (inclusive) and end (exclusive) of the text a suggestion replaces. */
  from: number;
  to: number;
  items: Suggestion[];
}

const OPERATORS = ['!=', '>=', '<=', ':', '=', '>', '<'];

/** The token under the cursor: from the whitespace before it to the whitespace after. */
function tokenAt(text: string, cursor: number): { from: number; to: number } {
  let from = cursor;
  while (from > 0 && !/\s/.test(text[from - 1]!)) from--;
  let to = cursor;
  while (to < text.length && !/\s/.test(text[to]!)) to++;
  return { from, to };
}

/** Whether the cursor is inside an open "phrase" (an odd number of unescaped quotes before it). */
function insidePhrase(text: string, cursor: number): boolean {
  let open = false;
  for (let at = 0; at < cursor; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') open = !open;
  }
  return open;
}

/** `words` that start with `typed` (case-insensitive), then, with `inside`, those
 * that contain it (names of the case: `cart` finds `ledger-cart`). */
function matching(words: readonly string[], typed: string, inside: boolean): string[] {
  const lower = typed.toLowerCase();
  const starts = words.filter((word) => word.toLowerCase().startsWith(lower));
  if (!inside) return starts;
  const contains = words.filter((word) => !word.toLowerCase().startsWith(lower) && word.toLowerCase().includes(lower));
  return [...starts, ...contains];
}

/** A value as the query language reads it: quoted when it has spaces or quotes. */
function valueText(value: string): string {
  return /[\s"]/.test(value) || value === '' ? `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"` : value;
}

/** The values offered for `field` (lower-cased name as typed). */
function valuesOf(field: string, vocabulary: Vocabulary): string[] {
  const name = field === 'severity' ? 'level' : field;
  if (name === 'service' || name === 'parent.service') return vocabulary.services;
  return vocabulary.fields.find((known) => known.name === name)?.values ?? [];
}

/** What to offer with the cursor at `cursor` in `text` (nothing: `items` empty). */
export function completionsAt(text: string, cursor: number, vocabulary: Vocabulary): Completion {
  const { from: start, to } = tokenAt(text, cursor);
  const none: Completion = { from: start, to, items: [] };
  // Only at the end of a token: completing in its middle would replace what follows.
  if (cursor !== to || insidePhrase(text, cursor)) return none;
  const from = text[start] === '-' ? start + 1 : start;
  const typed = text.slice(from, cursor);
  if (typed === '' || typed.startsWith('"') || typed.startsWith('/')) return none;
  const items = suggestionsFor(typed, vocabulary)
    .filter((item) => item.insert !== typed)
    .slice(0, MAX_SUGGESTIONS);
  return { from, to, items };
}

function suggestionsFor(typed: string, vocabulary: Vocabulary): Suggestion[] {
  const nameEnd = typed.search(/[^\p{L}\p{N}_.@\-/]/u);
  const name = nameEnd < 0 ? typed : typed.slice(0, nameEnd);
  const op = nameEnd < 0 ? undefined : OPERATORS.find((candidate) => typed.startsWith(candidate, nameEnd));
  if (op === undefined) {
    if (nameEnd >= 0) return [];
    const lower = name.toLowerCase();
    if (lower.startsWith('attr.')) {
      return matching(vocabulary.attribute_keys, name.slice('attr.'.length), true).map((key) => ({
        label: `attr.${key}`,
        insert: `attr.${key}`,
        kind: 'key',
      }));
    }
    return vocabulary.fields
      .filter((field) => field.name.startsWith(lower))
      .map((field) => {
        const insert = field.name.endsWith('.') ? field.name : `${field.name}:`;
        return { label: insert, insert, kind: 'field' };
      });
  }
  const valueTyped = typed.slice(nameEnd + op.length).replace(/^"/, '');
  const head = typed.slice(0, nameEnd + op.length);
  const field = name.toLowerCase();
  return matching(valuesOf(field, vocabulary), valueTyped, field === 'service' || field === 'parent.service').map((value) => ({
    label: value,
    insert: `${head}${valueText(value)}`,
    kind: 'value',
  }));
}

/** The text after accepting `item` of `completion`, and where the cursor goes (after
 * it; a space follows a value, so the next term can start). */
export function accept(text: string, completion: Completion, item: Suggestion): { text: string; cursor: number } {
  const tail = text.slice(completion.to);
  const space = item.kind === 'value' && !tail.startsWith(' ') ? ' ' : '';
  const inserted = item.insert + space;
  return {
    text: text.slice(0, completion.from) + inserted + tail,
    cursor: completion.from + inserted.length,
  };
}
