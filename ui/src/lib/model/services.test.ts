import { describe, expect, it } from 'vitest';
import type { MapEdge, OperationRed, ServiceMap, ServiceRed } from '../api/types';
import {
  MAX_RADIUS,
  MIN_RADIUS,
  bucketQuery,
  burnText,
  objectiveTarget,
  percentText,
  sloSeries,
  bucketRange,
  objectiveChoices,
  operationText,
  sparkBars,
  sparkP95,
  edgeLabel,
  edgeQuery,
  errorBand,
  errorRate,
  fieldTerm,
  layoutMap,
  mapInput,
  nextSort,
  nodeId,
  nodeRadius,
  operationQuery,
  operationsOf,
  pathOf,
  serviceQuery,
  sortRed,
} from './services';

const red = { p50_ns: 1e6, p90_ns: 2e6, p95_ns: 3e6, p99_ns: 4e6, max_ns: 5e6, series: [] };

function service(name: string, calls: number, errors: number, p95 = 3e6): ServiceRed {
  return { service: name, calls, errors, ...red, p95_ns: p95, logs: 0, logs_error: 0 };
}

function edge(from: string, to: string, calls: number, errors = 0, extra: Partial<MapEdge> = {}): MapEdge {
  return { from, to, calls, errors, p50_ns: 1e6, p95_ns: 40e6, p99_ns: 50e6, messaging: false, virtual: false, ...extra };
}

const MAP: ServiceMap = {
  nodes: [
    { name: 'checkout', virtual: false },
    { name: 'payments', virtual: false },
    { name: 'postgresql', virtual: true },
    { name: 'payments', virtual: true },
  ],
  edges: [
    edge('checkout', 'payments', 10, 1),
    edge('payments', 'postgresql', 30, 3, { virtual: true }),
    edge('checkout', 'payments', 4, 0, { virtual: true }),
  ],
};
const SERVICES = [service('checkout', 100, 0), service('payments', 10, 1)];

describe('error rate and its colour band', () => {
  it('divides errors by calls, 0 without calls', () => {
    expect(errorRate(200, 3)).toBe(0.015);
    expect(errorRate(0, 0)).toBe(0);
  });

  it('bands at 0, 1 % and 5 %', () => {
    expect(errorBand(0)).toBe('none');
    expect(errorBand(0.0099)).toBe('low');
    expect(errorBand(0.01)).toBe('mid');
    expect(errorBand(0.0499)).toBe('mid');
    expect(errorBand(0.05)).toBe('high');
    expect(errorBand(Number.NaN)).toBe('none');
  });
});

describe('mapInput', () => {
  const input = mapInput(MAP, SERVICES);

  it('gives a service its spans and a virtual node the calls to it, a virtual node apart from a service of its name', () => {
    expect(input.nodes.map(({ id, calls, errors, virtual }) => ({ id, calls, errors, virtual }))).toEqual([
      { id: 'service:checkout', calls: 100, errors: 0, virtual: false },
      { id: 'service:payments', calls: 10, errors: 1, virtual: false },
      { id: 'peer:postgresql', calls: 30, errors: 3, virtual: true },
      { id: 'peer:payments', calls: 4, errors: 0, virtual: true },
    ]);
  });

  it('sizes nodes by calls (the busiest the largest) and colours them by error rate', () => {
    const byId = new Map(input.nodes.map((node) => [node.id, node]));
    expect(byId.get('service:checkout')!.radius).toBe(MAX_RADIUS);
    expect(byId.get('service:payments')!.radius).toBeLessThan(byId.get('peer:postgresql')!.radius);
    expect(byId.get('service:checkout')!.band).toBe('none');
    expect(byId.get('service:payments')!.band).toBe('high');
    expect(byId.get('peer:postgresql')!.band).toBe('high');
  });

  it('joins edges to their nodes (virtual ones to the virtual node) and labels them with calls and p95', () => {
    expect(input.edges.map(({ from, to, label }) => [from, to, label])).toEqual([
      ['service:checkout', 'service:payments', '10 calls · p95 40ms'],
      ['service:payments', 'peer:postgresql', '30 calls · p95 40ms'],
      ['service:checkout', 'peer:payments', '4 calls · p95 40ms'],
    ]);
    expect(edgeLabel({ calls: 1, p95_ns: 1500 })).toBe('1 call · p95 1.5µs');
  });

  it('labels names as display text: controls and bidirectional overrides show as marks', () => {
    const hostile = mapInput({ nodes: [{ name: 'evil\u202Eexe<b>', virtual: false }], edges: [] }, []);
    expect(hostile.nodes[0]!.label).toBe('evil⟨RLO⟩exe<b>');
    expect(hostile.nodes[0]!.name).toBe('evil\u202Eexe<b>');
    expect(nodeId('a', true)).not.toBe(nodeId('a', false));
  });
});

describe('nodeRadius', () => {
  it('grows with the square root of calls between the bounds', () => {
    expect(nodeRadius(0, 100)).toBe(MIN_RADIUS);
    expect(nodeRadius(100, 100)).toBe(MAX_RADIUS);
    expect(nodeRadius(25, 100)).toBe(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) / 2);
    expect(nodeRadius(5, 0)).toBe(MIN_RADIUS);
  });
});

describe('layoutMap', () => {
  const layout = layoutMap(mapInput(MAP, SERVICES));

  it('places every node inside the drawing, callers left of their callees', () => {
    expect(layout.nodes).toHaveLength(4);
    const x = new Map(layout.nodes.map((node) => [node.id, node.x]));
    for (const node of layout.nodes) {
      expect(node.x - node.radius).toBeGreaterThanOrEqual(0);
      expect(node.x + node.radius).toBeLessThanOrEqual(layout.width);
      expect(node.y - node.radius).toBeGreaterThanOrEqual(0);
      expect(node.y + node.radius).toBeLessThanOrEqual(layout.height);
    }
    for (const placed of layout.edges) expect(x.get(placed.from)!).toBeLessThan(x.get(placed.to)!);
  });

  it('routes every edge from its caller to its callee with its label on the way', () => {
    const at = new Map(layout.nodes.map((node) => [node.id, node]));
    for (const placed of layout.edges) {
      expect(placed.points.length).toBeGreaterThanOrEqual(2);
      const from = at.get(placed.from)!;
      const to = at.get(placed.to)!;
      expect(placed.points[0]!.x).toBeLessThan(placed.points.at(-1)!.x);
      expect(placed.labelAt.x).toBeGreaterThan(from.x);
      expect(placed.labelAt.x).toBeLessThan(to.x);
    }
  });

  it('keeps two edges between the same nodes apart (a multigraph)', () => {
    const both = layoutMap(
      mapInput(
        { nodes: [{ name: 'a', virtual: false }, { name: 'b', virtual: false }], edges: [edge('a', 'b', 1), edge('a', 'b', 2, 0, { messaging: true })] },
        [],
      ),
    );
    expect(both.edges).toHaveLength(2);
    expect(both.edges[0]!.labelAt).not.toEqual(both.edges[1]!.labelAt);
  });

  it('draws a path through the points', () => {
    expect(pathOf([{ x: 1, y: 2 }, { x: 3.25, y: 4 }])).toBe('M1.0,2.0 L3.3,4.0');
    expect(pathOf([])).toBe('');
  });
});

describe('sorting the RED tables', () => {
  const rows = [service('b', 10, 1, 9e6), service('a', 10, 0, 1e6), service('c', 200, 2, 5e6)];

  it('sorts by any column either way, ties by name', () => {
    const names = (column: Parameters<typeof sortRed>[1]['column'], descending: boolean) =>
      sortRed(rows, { column, descending }).map((row) => row.service);
    expect(names('service', false)).toEqual(['a', 'b', 'c']);
    expect(names('service', true)).toEqual(['c', 'b', 'a']);
    expect(names('calls', true)).toEqual(['c', 'a', 'b']);
    expect(names('calls', false)).toEqual(['a', 'b', 'c']);
    expect(names('error_rate', true)).toEqual(['b', 'c', 'a']);
    expect(names('p95_ns', true)).toEqual(['b', 'c', 'a']);
    expect(rows.map((row) => row.service)).toEqual(['b', 'a', 'c']);
  });

  it('sorts operations by name and kind', () => {
    const operation = (name: string, kind: number): OperationRed => ({ service: 's', name, kind, calls: 1, errors: 0, logs: 0, logs_error: 0, ...red });
    const sorted = sortRed([operation('b', 2), operation('a', 3), operation('a', 2)], { column: 'name', descending: false });
    expect(sorted.map(({ name, kind }) => `${name}/${kind}`)).toEqual(['a/2', 'a/3', 'b/2']);
  });

  it('turns the column around on a second click; a new one starts A→Z for names, largest first for numbers', () => {
    expect(nextSort({ column: 'calls', descending: true }, 'calls')).toEqual({ column: 'calls', descending: false });
    expect(nextSort({ column: 'calls', descending: true }, 'service')).toEqual({ column: 'service', descending: false });
    expect(nextSort({ column: 'service', descending: false }, 'p99_ns')).toEqual({ column: 'p99_ns', descending: true });
  });

  it('lists the operations of one service, or of all', () => {
    const operation = (service: string): OperationRed => ({ service, name: 'n', kind: 2, calls: 1, errors: 0, logs: 0, logs_error: 0, ...red });
    const operations = [operation('a'), operation('b')];
    expect(operationsOf(operations, 'b').map((row) => row.service)).toEqual(['b']);
    expect(operationsOf(operations, null)).toHaveLength(2);
  });
});

describe('link queries', () => {
  it('quotes values that are not one plain word, escaping quotes and backslashes', () => {
    expect(fieldTerm('service', 'payments')).toBe('service:payments');
    expect(fieldTerm('name', 'POST /v1/charges')).toBe('name:"POST /v1/charges"');
    expect(fieldTerm('name', 'say "hi" \\o/')).toBe('name:"say \\"hi\\" \\\\o/"');
  });

  it('filters to an operation, its errors, within the search shown', () => {
    const charges = { service: 'payments', name: 'POST /v1/charges' };
    expect(operationQuery('', charges, true)).toBe('service:payments name:"POST /v1/charges" status:error');
    expect(operationQuery('after:10m', charges)).toBe('after:10m service:payments name:"POST /v1/charges"');
    // With its kind, the operation exactly (a name may be a server and a client span of one service).
    expect(operationQuery('', { ...charges, kind: 3 }, true)).toBe('service:payments name:"POST /v1/charges" kind:client status:error');
    expect(operationQuery('', { ...charges, kind: 9 })).toBe('service:payments name:"POST /v1/charges"');
    expect(serviceQuery('service:payments', 'payments', true)).toBe('service:payments status:error');
  });

  it('filters an edge to the spans it counts: the callee under the caller, or the caller of a virtual peer', () => {
    const direct = { from: 'checkout', to: 'payments', virtual: false, messaging: false };
    expect(edgeQuery('', direct)).toBe('service:payments parent.service:checkout messaging:false');
    expect(edgeQuery('', { from: 'payments', to: 'postgresql', virtual: true, messaging: false })).toBe(
      'service:payments peer:postgresql',
    );
    expect(edgeQuery('', { from: 'checkout', to: 'mailer', virtual: false, messaging: true })).toBe(
      'service:mailer parent.service:checkout messaging:true',
    );
    expect(edgeQuery('x', { from: 'a', to: 'b', virtual: false, messaging: false }, true)).toBe(
      'x service:b parent.service:a messaging:false status:error',
    );
    // Names that are not one plain word are quoted; a term the search has already is not repeated.
    expect(edgeQuery('service:payments', { from: 'payments', to: 'api.stripe.com:443', virtual: true, messaging: false })).toBe(
      'service:payments peer:"api.stripe.com:443"',
    );
    expect(edgeQuery('', { from: 'web "a"', to: 'b', virtual: false, messaging: false })).toBe(
      'service:b parent.service:"web \\"a\\"" messaging:false',
    );
  });
});

describe('sparklines', () => {
  const series = [
    { calls: 4, errors: 1, p95_ns: 10e6 },
    { calls: 0, errors: 0, p95_ns: 0 },
    { calls: 2, errors: 2, p95_ns: 20e6 },
  ];

  it('draws a bar per bucket scaled to the busiest, errors at the bottom', () => {
    expect(sparkBars(series, 30, 20)).toEqual([
      { index: 0, x: 0, width: 9, calls: 20, errors: 5 },
      { index: 1, x: 10, width: 9, calls: 0, errors: 0 },
      { index: 2, x: 20, width: 9, calls: 10, errors: 10 },
    ]);
    expect(sparkBars([{ calls: 0, errors: 0, p95_ns: 0 }], 30, 20)[0]!.calls).toBe(0);
    expect(sparkBars([], 30, 20)).toEqual([]);
  });

  it('draws the p95 through the buckets that had calls, the highest at the top', () => {
    expect(sparkP95(series, 30, 21)).toBe('M5.0,11.0 L25.0,1.0');
    expect(sparkP95([{ calls: 0, errors: 0, p95_ns: 0 }], 30, 20)).toBe('');
  });

  it('gives a bucket its time range, and the query narrowed to it', () => {
    const axis = { start_ns: '1760000000000000000', bucket_ns: '2000000000', buckets: 30 };
    expect(bucketRange(axis, 2)).toEqual({ startNs: 1_760_000_004_000_000_000n, endNs: 1_760_000_006_000_000_000n });
    expect(bucketQuery('service:a after:2020-01-01T00:00:00.000Z', axis, 2)).toBe(
      'service:a after:2025-10-09T08:53:24.000Z before:2025-10-09T08:53:26.000Z',
    );
  });

  it('gives a bucket exactly its range past 2^53 ns, where numbers would round into the next millisecond', () => {
    // Bucket 3 starts at …222.999999 ms: as JavaScript numbers the sum rounds to
    // …223 ms and the range would leave out the bucket's first nanosecond.
    const axis = { start_ns: '1762000000123000000', bucket_ns: '33333333', buckets: 30 };
    const { startNs, endNs } = bucketRange(axis, 3);
    expect(startNs).toBe(1_762_000_000_222_999_999n);
    expect(endNs).toBe(1_762_000_000_256_333_332n);
    expect(Math.floor((Number(axis.start_ns) + 3 * Number(axis.bucket_ns)) / 1e6)).toBe(1_762_000_000_223);
    expect(bucketQuery('', axis, 3)).toBe('after:2025-11-01T12:26:40.222Z before:2025-11-01T12:26:40.257Z');
    // Its end, …178.666 ms of bucket 0 of another axis, rounds up exactly to 179.
    const other = { start_ns: '1762000000144666722', bucket_ns: '33333333', buckets: 30 };
    expect(bucketQuery('', other, 0)).toBe('after:2025-11-01T12:26:40.144Z before:2025-11-01T12:26:40.179Z');
  });
});

describe('objectives', () => {
  it('offers each operation once as `service: span name`, in order', () => {
    const operations = [
      { service: 'web', name: 'GET /' },
      { service: 'api', name: 'charge: card' },
      { service: 'web', name: 'GET /' },
    ];
    expect(operationText(operations[1]!)).toBe('api: charge: card');
    expect(objectiveChoices(operations)).toEqual(['api: charge: card', 'web: GET /']);
  });

  it('show their targets and the budget burned', () => {
    expect(objectiveTarget({ p95_ns: 300e6, error_rate: 0.01 })).toBe('p95 ≤ 300ms · errors ≤ 1%');
    expect(objectiveTarget({ p95_ns: null, error_rate: 0.125 })).toBe('errors ≤ 12.5%');
    expect(objectiveTarget({ p95_ns: 1.5e9, error_rate: null })).toBe('p95 ≤ 1.500s');
    expect(percentText(2.4)).toBe('240%');
    expect(burnText({ burned: 0.5 })).toBe('50% of budget');
    expect(burnText({ burned: null })).toBe('over budget (none allowed)');
  });

  it('draw good and bad calls per bucket, the bad ones as errors', () => {
    expect(sloSeries([{ start_ns: '0', good: 3, bad: 1 }])).toEqual([{ calls: 4, errors: 1, p95_ns: 0 }]);
  });
});
