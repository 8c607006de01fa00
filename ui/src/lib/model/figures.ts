// Which counts of a case the window shows, in which order, under which label,
// and with which test id (tests/e2e reads them). Pure: Stats in, rows out.
import type { LinkState, Stats } from '../api/types';
import { linkQuery } from './linkStates';

export interface Figure {
  /** Stable id, used as `data-testid="count-<key>"`. */
  key: string;
  label: string;
  value: number;
  /** A hint for colour: errors and orphans stand out when non-zero. */
  tone: 'plain' | 'bad';
  /** The query that lists what the figure counts, where the window can run it. */
  query?: string;
}

export interface FigureGroup {
  title: string;
  figures: Figure[];
}

function figure(key: string, label: string, value: number, bad = false): Figure {
  return { key, label, value, tone: bad && value > 0 ? 'bad' : 'plain' };
}

/** A count of logs in link state `state`, with the query that lists them. */
function linkFigure(state: LinkState, key: string, label: string, value: number, bad = false): Figure {
  return { ...figure(key, label, value, bad), query: linkQuery(state) };
}

/** The case's totals, then its logs split by link state (DESIGN.md "Correlation"). */
export function caseFigures(stats: Stats): FigureGroup[] {
  return [
    {
      title: 'Case',
      figures: [
        figure('sources', 'Sources', stats.sources),
        figure('traces', 'Traces', stats.traces),
        figure('spans', 'Spans', stats.spans),
        figure('error-spans', 'Error spans', stats.error_spans, true),
        figure('logs', 'Logs', stats.logs),
      ],
    },
    {
      title: 'Logs by link',
      figures: [
        linkFigure('span', 'logs-span-linked', 'Span-linked', stats.logs_span_linked),
        linkFigure('trace', 'logs-trace-linked', 'Trace-linked', stats.logs_trace_linked),
        linkFigure('orphan', 'logs-orphan', 'Orphan', stats.logs_orphan, true),
        linkFigure('unlinked', 'logs-unlinked', 'Unlinked', stats.logs_unlinked),
      ],
    },
  ];
}
