import { describe, expect, it } from 'vitest';
import { WeftError, type ServiceReport, type ServicesApi, type SloReport } from '../api';
import { SPARK_BUCKETS, ServicesStore } from './services.svelte';

function report(services: string[]): ServiceReport {
  const red = { calls: 1, errors: 0, p50_ns: 1, p90_ns: 1, p95_ns: 1, p99_ns: 1, max_ns: 1 };
  return {
    services: services.map((service) => ({ service, ...red, logs: 0, logs_error: 0, series: [] })),
    operations: services.map((service) => ({ service, name: 'GET /', kind: 2, ...red, logs: 0, logs_error: 0, series: [] })),
    map: { nodes: services.map((name) => ({ name, virtual: false })), edges: [] },
    axis: null,
  };
}

const SLO: SloReport = {
  objective: { id: 1, service: 'a', name: 'GET /', p95_ns: 300e6, error_rate: 0.01 },
  calls: 10,
  good: 9,
  bad: 1,
  latency: { bad: 1, allowed: 0.5, burned: 2 },
  errors: { bad: 0, allowed: 0.1, burned: 0 },
  broken: true,
  buckets: [{ start_ns: '1762000000123456789', good: 9, bad: 1 }],
  broken_traces: ['00000000000000000000000000000001'],
};

/** Answers with the services named in the query (`service:x`), rejects `bad`; keeps
 *  objectives as the shell does, refusing an operation without `: `. */
function fakeServices(): ServicesApi & { asked: string[] } {
  const asked: string[] = [];
  let objectives: SloReport[] = [SLO];
  return {
    asked,
    sloReport: async () => objectives,
    addObjective: async (operation, p95) => {
      const [service, name] = operation.split(': ');
      if (!service || !name) throw new WeftError('bad_input', `\`${operation}\` is not an operation: write \`service: span name\``);
      const id = objectives.length + 1;
      objectives = [...objectives, { ...SLO, objective: { ...SLO.objective, id, service, name, p95_ns: p95 === '' ? null : 1 } }];
      return id;
    },
    removeObjective: async (id) => {
      if (!objectives.some((slo) => slo.objective.id === id)) throw new WeftError('not_found', `no objective ${id}`);
      objectives = objectives.filter((slo) => slo.objective.id !== id);
      return null;
    },
    serviceReport: async (query, buckets) => {
      asked.push(query);
      expect(buckets).toBe(SPARK_BUCKETS);
      if (query === 'bad') throw new WeftError('query', 'column 1: bad', 1);
      const named = [...query.matchAll(/service:(\w+)/g)].map((match) => match[1] ?? '');
      return report(named.length > 0 ? named : ['a', 'b']);
    },
  };
}

describe('ServicesStore', () => {
  it('loads the report of a query once, again after the case changed', async () => {
    const api = fakeServices();
    const store = new ServicesStore(api);
    await store.show('');
    await store.show('');
    expect(api.asked).toEqual(['']);
    expect(store.report?.services.map((row) => row.service)).toEqual(['a', 'b']);
    expect(store.slos).toEqual([SLO]);
    store.forget();
    await store.show('');
    await store.show('service:a');
    expect(api.asked).toEqual(['', '', 'service:a']);
    expect(store.query).toBe('service:a');
  });

  it('keeps the report before a query that does not parse, marked stale', async () => {
    const store = new ServicesStore(fakeServices());
    await store.show('service:a');
    await store.show('bad');
    expect(store.error?.code).toBe('query');
    expect(store.stale).toBe(true);
    expect(store.report?.services.map((row) => row.service)).toEqual(['a']);
    await store.show('service:b');
    expect(store.stale).toBe(false);
    expect(store.error).toBeNull();
  });

  it('drops the service picked when the new report does not have it', async () => {
    const store = new ServicesStore(fakeServices());
    await store.show('');
    store.service = 'b';
    await store.show('service:b');
    expect(store.service).toBe('b');
    await store.show('service:a');
    expect(store.service).toBeNull();
  });

  it('drops the answer of a load a newer one replaced', async () => {
    const store = new ServicesStore(fakeServices());
    await Promise.all([store.show('service:a'), store.show('service:b')]);
    expect(store.report?.services.map((row) => row.service)).toEqual(['b']);
    expect(store.loading).toBe(false);
  });

  it('adds and removes objectives, reading them again; a refusal keeps its message until one is kept', async () => {
    const store = new ServicesStore(fakeServices());
    await store.show('');
    expect(await store.addObjective('checkout', '300ms', '')).toBe(false);
    expect(store.objectiveError?.code).toBe('bad_input');
    expect(store.objectiveError?.message).toContain('is not an operation');
    expect(store.slos.map((slo) => slo.objective.id)).toEqual([1]);
    expect(await store.addObjective('b: GET /', '300ms', '')).toBe(true);
    expect(store.objectiveError).toBeNull();
    expect(store.editing).toBe(false);
    expect(store.slos.map((slo) => `${slo.objective.service}: ${slo.objective.name}`)).toEqual(['a: GET /', 'b: GET /']);
    expect(await store.removeObjective(1)).toBe(true);
    expect(store.slos.map((slo) => slo.objective.id)).toEqual([2]);
    expect(await store.removeObjective(1)).toBe(false);
    expect(store.objectiveError?.code).toBe('not_found');
  });
});
