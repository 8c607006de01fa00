import { describe, expect, it } from 'vitest';
import { WeftError } from '../api';
import type { AppliedSampling, PolicyFile, SamplingApi, SamplingOutcome } from '../api/sampling';
import { SEED_POLICY } from '../model/sampling';
import { SamplingStore } from './sampling.svelte';

function outcome(kept: number): SamplingOutcome {
  return {
    report: {
      traces: 10,
      kept,
      dropped: 10 - kept,
      kept_errors: 0,
      errors: 0,
      kept_slow: 0,
      policies: [],
      spans_kept: 0,
      logs_of_kept_traces: 0,
    },
    slow_ms: 1000,
    lost: [],
    lost_total: 0,
  } as SamplingOutcome;
}

/** A shell whose dialog answers `picked` (or fails with `pickError`), whose case holds
 * `applied`, and that records what it simulated. */
function shell(opts: { picked?: PolicyFile | null; pickError?: WeftError; applied?: string | null } = {}) {
  const simulated: { config: string; query: string | null }[] = [];
  let applied: string | null = opts.applied ?? null;
  const api: SamplingApi = {
    async simulateSampling(config, query) {
      simulated.push({ config, query });
      applied = config;
      return outcome(config.length % 10);
    },
    async appliedSampling(): Promise<AppliedSampling | null> {
      return applied === null ? null : { config: applied, query: '', applied_ns: 1, traces: 10, kept: 1 };
    },
    async loadSamplingConfig() {
      if (opts.pickError) throw opts.pickError;
      return opts.picked ?? null;
    },
  };
  return { api, simulated, setApplied: (text: string | null) => (applied = text) };
}

describe('SamplingStore', () => {
  it('loads a picked file into the box and simulates it over the query', async () => {
    const { api, simulated } = shell({ picked: { path: '/p/seed.yaml', text: 'policies: []\n' } });
    const store = new SamplingStore(api);
    await store.loadFile('service:a');
    expect(store.config).toBe('policies: []\n');
    expect(store.source).toBe('/p/seed.yaml');
    expect(simulated).toEqual([{ config: 'policies: []\n', query: 'service:a' }]);
    expect(store.result?.report.kept).toBe(3);
    store.edited();
    expect(store.source).toBeNull();
  });

  it('changes nothing when the dialog is cancelled', async () => {
    const { api, simulated } = shell({ picked: null });
    const store = new SamplingStore(api);
    await store.loadFile(null);
    expect(store.config).toBe(SEED_POLICY);
    expect(simulated).toEqual([]);
    expect(store.error).toBeNull();
  });

  it('shows the error of a file the shell could not read, and keeps the text', async () => {
    const error = new WeftError('bad_input', '/p/x.yaml: line 2: not UTF-8 (byte offset 23)');
    const { api, simulated } = shell({ pickError: error });
    const store = new SamplingStore(api);
    await store.loadFile(null);
    expect(store.error?.message).toBe('/p/x.yaml: line 2: not UTF-8 (byte offset 23)');
    expect(store.config).toBe(SEED_POLICY);
    expect(simulated).toEqual([]);
  });

  it('shows the case’s applied policy when first shown, and the seed again for another case', async () => {
    const { api, setApplied } = shell({ applied: 'policies: [applied]\n' });
    const store = new SamplingStore(api);
    await store.restore();
    expect(store.config).toBe('policies: [applied]\n');
    setApplied(null);
    store.forget();
    expect(store.config).toBe(SEED_POLICY);
    await store.restore();
    expect(store.config).toBe(SEED_POLICY);
  });

  it('does not overwrite text typed while the applied policy was asked for', async () => {
    const { api } = shell({ applied: 'policies: [applied]\n' });
    const store = new SamplingStore(api);
    const restoring = store.restore();
    store.config = 'typed';
    await restoring;
    expect(store.config).toBe('typed');
  });
});
