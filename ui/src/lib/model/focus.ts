// Where the keyboard focus goes when the element that had it left the DOM (a tab
// closed, a view switched, a trace opened from its row): never to <body>, but to
// the first of the view's natural targets that exists. No DOM: App.svelte queries
// the selectors and asks `focusLost` with what it saw. Also which keys hand the
// focus back from the waterfall's find box (`findBoxKey`).
import type { View } from '../stores/layout.svelte';

/**
 * The selectors to try, in order, for the focus in `view`; `traceOpen`: a trace tab
 * is shown. A trace waiting for its waterfall has no fallback: the focus comes back
 * once the waterfall is there.
 */
export function focusTargets(view: View, traceOpen: boolean): string[] {
  if (view === 'traces') {
    return traceOpen
      ? ['[data-testid="span-tree"]']
      : ['[data-testid="trace-row"]', '[data-testid="tab-list"]'];
  }
  if (view === 'logs') {
    return ['[data-testid="log-view"] [data-testid="log-expand"]', '[data-testid="rail-logs"]'];
  }
  if (view === 'services') {
    return ['[data-testid="services-view"] th button', '[data-testid="rail-services"]'];
  }
  if (view === 'quality') {
    return ['[data-testid="quality-view"] button', '[data-testid="rail-quality"]'];
  }
  if (view === 'notebook') {
    return ['[data-testid="notebook-view"] [data-testid="mark-item"]', '[data-testid="notebook-add-note"]', '[data-testid="rail-notebook"]'];
  }
  return ['[data-testid="case-view"] button:not([disabled])', '[data-testid="rail-case"]'];
}

/**
 * Whether the focus was lost: nothing (or the body) has it, and the element that
 * had it last is no longer in the DOM. A focus the user moved away on purpose (a
 * click on empty space, Escape out of a field) leaves that element in place.
 */
export function focusLost(
  active: { isBody: boolean } | null,
  last: { isConnected: boolean } | null,
): boolean {
  return (active === null || active.isBody) && last !== null && !last.isConnected;
}

/**
 * What a key does in the waterfall's find box (`/` put the keyboard there): Enter
 * goes to the next match, Escape back to the span tree, keeping the text and its
 * highlights; any other key is typing.
 */
export function findBoxKey(key: string): 'next-match' | 'back-to-tree' | null {
  if (key === 'Enter') return 'next-match';
  if (key === 'Escape') return 'back-to-tree';
  return null;
}
