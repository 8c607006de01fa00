// The four ways a log joins the traces of the case (DESIGN.md "Correlation"; the
// engine's `model::Link`), as the window shows them: a badge per state on log rows,
// and the query that lists the logs in a state (`link:` of the query language).
import type { LinkState } from '../api/types';

export interface LinkBadge {
  /** The badge's text. */
  label: string;
  /** What the state means, for the badge's tooltip. */
  title: string;
}

export const LINK_STATES: Record<LinkState, LinkBadge> = {
  span: { label: 'span', title: 'Joined to the span that wrote it' },
  trace: {
    label: 'trace only',
    title: 'Its trace is in the case but not its span (sampled out or not loaded)',
  },
  orphan: { label: 'orphan', title: 'Names a trace the case does not hold' },
  unlinked: { label: 'no trace', title: 'Names no trace' },
};

/** The query that lists the logs in `state`. */
export function linkQuery(state: LinkState): string {
  return `link:${state}`;
}
