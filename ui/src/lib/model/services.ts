// The Services view's pure layer (issue 16): the service map as input for the
// layout (dagre: nodes sized by calls, coloured by error rate, edges labelled with
// calls and p95, virtual nodes apart), its layout, the RED tables' sorting and
// sparklines, and the queries a node, an edge, an operation or a sparkline's
// bucket links to; the objectives' texts. Names come from the case and are untrusted: labels are display text (model/untrusted.ts), drawn as SVG
// text by the component, never HTML.
import { Graph, layout } from '@dagrejs/dagre';
import type {
  MapEdge,
  Objective,
  OperationRed,
  SeriesAxis,
  SeriesPoint,
  ServiceMap,
  ServiceRed,
  Sli,
  SloBucket,
} from '../api/types';
import { addTerm } from './facets';
import { SPAN_KINDS } from './spanKind';
import { formatCount, formatDuration } from './format';
import { withTimeRange } from './timeRange';
import { displayText } from './untrusted';

/** Error-rate bands, each a colour of app.css (`--error-rate-<band>`). */
export type ErrorBand = 'none' | 'low' | 'mid' | 'high';
export const ERROR_BANDS: readonly ErrorBand[] = ['none', 'low', 'mid', 'high'];

/** Errors per call (0 without calls). */
export function errorRate(calls: number, errors: number): number {
  return calls > 0 ? errors / calls : 0;
}

/** The band of an error rate: none, under 1 %, under 5 %, 5 % or more. */
export function errorBand(rate: number): ErrorBand {
  if (!(rate > 0)) return 'none';
  if (rate < 0.01) return 'low';
  if (rate < 0.05) return 'mid';
  return 'high';
}

export const MIN_RADIUS = 14;
export const MAX_RADIUS = 38;

/** A node's radius: its area grows with its calls, the busiest node the largest. */
export function nodeRadius(calls: number, maxCalls: number): number {
  if (maxCalls <= 0 || calls <= 0) return MIN_RADIUS;
  return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(Math.min(1, calls / maxCalls));
}

/** A node of the map: a service, or a virtual peer (a database, an API) its spans called. */
export interface MapNodeInput {
  /** Unique among the nodes: a virtual node may share a service's name. */
  id: string;
  name: string;
  /** The name as display text. */
  label: string;
  virtual: boolean;
  /** Spans of the service; of a virtual node, the calls to it. */
  calls: number;
  errors: number;
  band: ErrorBand;
  radius: number;
}

export interface MapEdgeInput {
  id: string;
  from: string;
  to: string;
  edge: MapEdge;
  /** "12 calls · p95 40ms" */
  label: string;
  band: ErrorBand;
}

export function nodeId(name: string, isVirtual: boolean): string {
  return `${isVirtual ? 'peer' : 'service'}:${name}`;
}

/** The label of an edge: its calls and its p95. */
export function edgeLabel(edge: Pick<MapEdge, 'calls' | 'p95_ns'>): string {
  return `${formatCount(edge.calls)} ${edge.calls === 1 ? 'call' : 'calls'} · p95 ${formatDuration(edge.p95_ns)}`;
}

/** The map's nodes and edges as the layout takes them. */
export function mapInput(map: ServiceMap, services: readonly ServiceRed[]): { nodes: MapNodeInput[]; edges: MapEdgeInput[] } {
  const red = new Map(services.map((service) => [service.service, service]));
  const incoming = new Map<string, { calls: number; errors: number }>();
  for (const edge of map.edges) {
    if (!edge.virtual) continue;
    const sum = incoming.get(edge.to) ?? { calls: 0, errors: 0 };
    incoming.set(edge.to, { calls: sum.calls + edge.calls, errors: sum.errors + edge.errors });
  }
  const counted = map.nodes.map((node) => {
    const tally = node.virtual ? incoming.get(node.name) : red.get(node.name);
    return { node, calls: tally?.calls ?? 0, errors: tally?.errors ?? 0 };
  });
  const maxCalls = Math.max(0, ...counted.map(({ calls }) => calls));
  const nodes = counted.map(({ node, calls, errors }) => ({
    id: nodeId(node.name, node.virtual),
    name: node.name,
    label: displayText(node.name),
    virtual: node.virtual,
    calls,
    errors,
    band: errorBand(errorRate(calls, errors)),
    radius: nodeRadius(calls, maxCalls),
  }));
  const edges = map.edges.map((edge, index) => ({
    id: `edge:${index}`,
    from: nodeId(edge.from, false),
    to: nodeId(edge.to, edge.virtual),
    edge,
    label: edgeLabel(edge),
    band: errorBand(errorRate(edge.calls, edge.errors)),
  }));
  return { nodes, edges };
}

export interface Point {
  x: number;
  y: number;
}

export interface MapLayout {
  width: number;
  height: number;
  nodes: (MapNodeInput & Point)[];
  edges: (MapEdgeInput & { points: Point[]; labelAt: Point })[];
}

/** Room below a node for its name. */
const NAME_HEIGHT = 18;
/** Roughly the width of a character of the labels (11–12 px text). */
const CHAR_WIDTH = 6.5;

/** Lays the map out left to right (callers before callees) with dagre. */
export function layoutMap(input: { nodes: MapNodeInput[]; edges: MapEdgeInput[] }): MapLayout {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, edgesep: 16, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes) {
    const width = Math.max(node.radius * 2, Math.min(node.label.length, 28) * CHAR_WIDTH);
    graph.setNode(node.id, { width, height: node.radius * 2 + NAME_HEIGHT * 2 });
  }
  for (const edge of input.edges) {
    graph.setEdge(edge.from, edge.to, { width: edge.label.length * CHAR_WIDTH, height: 14, labelpos: 'c' }, edge.id);
  }
  layout(graph);
  const size = graph.graph();
  const nodes = input.nodes.map((node) => {
    const placed = graph.node(node.id);
    return { ...node, x: placed.x, y: placed.y };
  });
  const edges = input.edges.map((edge) => {
    const placed = graph.edge(edge.from, edge.to, edge.id);
    const points = ((placed.points ?? []) as Point[]).map(({ x, y }) => ({ x, y }));
    const labelAt = placed.x !== undefined && placed.y !== undefined ? { x: placed.x, y: placed.y } : middle(points);
    return { ...edge, points, labelAt };
  });
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges };
}

function middle(points: readonly Point[]): Point {
  return points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
}

/** An SVG path through `points`. */
export function pathOf(points: readonly Point[]): string {
  return points.map(({ x, y }, index) => `${index === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
}

// ---- The RED tables ---------------------------------------------------------------

export type RedColumn =
  | 'service'
  | 'name'
  | 'kind'
  | 'calls'
  | 'errors'
  | 'error_rate'
  | 'p50_ns'
  | 'p90_ns'
  | 'p95_ns'
  | 'p99_ns'
  | 'max_ns'
  | 'logs'
  | 'logs_error';

export interface RedSort {
  column: RedColumn;
  descending: boolean;
}

/** A row of a RED table: a service or an operation. */
export type RedRow = Partial<ServiceRed> & Partial<OperationRed> & Pick<ServiceRed, 'service' | 'calls' | 'errors'>;

function valueOf(row: RedRow, column: RedColumn): number | string {
  if (column === 'error_rate') return errorRate(row.calls, row.errors);
  return row[column] ?? '';
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** `rows` sorted by `sort`, ties by service, then name, then kind (a new array). */
export function sortRed<T extends RedRow>(rows: readonly T[], sort: RedSort): T[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort(
    (a, b) =>
      sign * compare(valueOf(a, sort.column), valueOf(b, sort.column)) ||
      compare(a.service, b.service) ||
      compare(a.name ?? '', b.name ?? '') ||
      compare(a.kind ?? 0, b.kind ?? 0),
  );
}

/** The sort after a click on `column`'s header: the same column turns around; a new
 * one starts with names A→Z and numbers largest first. */
export function nextSort(current: RedSort, column: RedColumn): RedSort {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: !['service', 'name', 'kind'].includes(column) };
}

/** The operations of `service` (all when null). */
export function operationsOf(operations: readonly OperationRed[], service: string | null): OperationRed[] {
  return service === null ? [...operations] : operations.filter((operation) => operation.service === service);
}

// ---- Links: the trace list filtered to what was clicked ----------------------------

/** A field of the query language the Services view links with. */
export type LinkField = 'service' | 'name' | 'parent.service' | 'peer';

/** `field:value`, the value quoted (with `\"` and `\\` escapes) unless it is one plain word. */
export function fieldTerm(field: LinkField, value: string): string {
  if (/^[\w.\-/]+$/.test(value)) return `${field}:${value}`;
  return `${field}:"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** The traces of an operation (its errors only with `errors`), within `base` (the search shown):
 *  a span of its service, name and — when given and one the query language names — kind. */
export function operationQuery(
  base: string,
  operation: Pick<OperationRed, 'service' | 'name'> & Partial<Pick<OperationRed, 'kind'>>,
  errors = false,
): string {
  let query = addTerm(addTerm(base, fieldTerm('service', operation.service)), fieldTerm('name', operation.name));
  const kind = operation.kind === undefined ? undefined : SPAN_KINDS[operation.kind];
  if (kind !== undefined) query = addTerm(query, `kind:${kind}`);
  if (errors) query = addTerm(query, 'status:error');
  return query;
}

/** The traces of a service (its errors only with `errors`), within `base`. */
export function serviceQuery(base: string, service: string, errors = false): string {
  const query = addTerm(base, fieldTerm('service', service));
  return errors ? addTerm(query, 'status:error') : query;
}

/**
 * The traces of an edge within `base`: those holding a span the edge counts — a span
 * of the callee whose parent span is the caller's (`service:B parent.service:A`), a
 * consumer span under a producer span or not (`messaging:true|false`: two services
 * may have both edges), or for a virtual edge a client or producer span of the
 * caller that called that peer (`service:A peer:X`). With `errors`, `status:error`
 * (a trace-level term: traces with an error span).
 */
export function edgeQuery(
  base: string,
  edge: Pick<MapEdge, 'from' | 'to' | 'virtual' | 'messaging'>,
  errors = false,
): string {
  const terms = edge.virtual
    ? [fieldTerm('service', edge.from), fieldTerm('peer', edge.to)]
    : [fieldTerm('service', edge.to), fieldTerm('parent.service', edge.from), `messaging:${edge.messaging}`];
  if (errors) terms.push('status:error');
  return terms.reduce(addTerm, base);
}

// ---- Sparklines: a service's or operation's time series -----------------------------

/** One bucket of a sparkline: a bar of calls with its errors at the bottom. */
export interface SparkBar {
  index: number;
  x: number;
  width: number;
  /** Heights from the bottom, scaled to the row's busiest bucket. */
  calls: number;
  errors: number;
}

/** The bars of `series` in a `width` × `height` box (a gap of 1 px between bars). */
export function sparkBars(series: readonly SeriesPoint[], width: number, height: number): SparkBar[] {
  const most = Math.max(0, ...series.map((point) => point.calls));
  const step = series.length > 0 ? width / series.length : 0;
  return series.map((point, index) => ({
    index,
    x: index * step,
    width: Math.max(1, step - 1),
    calls: most > 0 ? (point.calls / most) * height : 0,
    errors: most > 0 ? (point.errors / most) * height : 0,
  }));
}

/** The p95 line of `series` through the middle of each bucket with calls (none: ''). */
export function sparkP95(series: readonly SeriesPoint[], width: number, height: number): string {
  const most = Math.max(0, ...series.map((point) => point.p95_ns));
  if (most <= 0) return '';
  const step = width / series.length;
  const points = series.flatMap((point, index) =>
    point.calls > 0 ? [{ x: index * step + step / 2, y: height - (point.p95_ns / most) * (height - 1) }] : [],
  );
  return pathOf(points);
}

/** The time range of bucket `index` of `axis`: [start, end) in ns, exact (the axis
 *  comes as decimal text: Unix ns exceed 2^53, where JavaScript numbers round). */
export function bucketRange(axis: SeriesAxis, index: number): { startNs: bigint; endNs: bigint } {
  const width = BigInt(axis.bucket_ns);
  const startNs = BigInt(axis.start_ns) + BigInt(index) * width;
  return { startNs, endNs: startNs + width };
}

/** `base` restricted to bucket `index` of `axis` (its `after:` / `before:` replaced). */
export function bucketQuery(base: string, axis: SeriesAxis, index: number): string {
  const { startNs, endNs } = bucketRange(axis, index);
  return withTimeRange(base, startNs, endNs);
}

// ---- Objectives (SLOs) ----------------------------------------------------------------

/** An operation as `weft slo add` names it: `service: span name`. */
export function operationText(operation: Pick<OperationRed, 'service' | 'name'>): string {
  return `${operation.service}: ${operation.name}`;
}

/** The operations an objective may be set on, as text, each once, in name order
 *  (the same span name under several kinds is one operation to an objective). */
export function objectiveChoices(operations: readonly Pick<OperationRed, 'service' | 'name'>[]): string[] {
  return [...new Set(operations.map(operationText))].sort();
}

/** An objective's good and bad calls per bucket as a sparkline's series (bad as errors). */
export function sloSeries(buckets: readonly SloBucket[]): SeriesPoint[] {
  return buckets.map((bucket) => ({ calls: bucket.good + bucket.bad, errors: bucket.bad, p95_ns: 0 }));
}

/** What an objective asks: "p95 ≤ 300ms · errors ≤ 1%". */
export function objectiveTarget(objective: Pick<Objective, 'p95_ns' | 'error_rate'>): string {
  const parts: string[] = [];
  if (objective.p95_ns !== null) parts.push(`p95 ≤ ${formatDuration(objective.p95_ns)}`);
  if (objective.error_rate !== null) parts.push(`errors ≤ ${percentText(objective.error_rate)}`);
  return parts.join(' · ');
}

/** A share as a percentage: 0.01 → "1%", 0.125 → "12.5%". */
export function percentText(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** The error budget an SLI burned: "240% of budget" (null: the target allows no bad call). */
export function burnText(sli: Pick<Sli, 'burned'>): string {
  return sli.burned === null || !Number.isFinite(sli.burned) ? 'over budget (none allowed)' : `${percentText(sli.burned)} of budget`;
}
