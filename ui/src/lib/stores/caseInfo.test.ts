import { describe, expect, it } from 'vitest';
import { WeftError } from '../api';
import { CaseInfoStore } from './caseInfo.svelte';
import { fakeApi } from '../api/fake';

describe('CaseInfoStore', () => {
  it('holds the case and its sources', async () => {
    const store = new CaseInfoStore(fakeApi(3));
    await store.load();
    expect(store.info?.stats.traces).toBe(3);
    expect(store.error).toBeNull();
    expect(store.loading).toBe(false);
  });

  it('keeps the error code when the case cannot be opened', async () => {
    const store = new CaseInfoStore(fakeApi(0, new WeftError('case_unavailable', 'no such case')));
    await store.load();
    expect(store.info).toBeNull();
    expect(store.error?.code).toBe('case_unavailable');
  });
});

describe('CaseInfoStore.renameSource', () => {
  it('names a source’s service and reloads the sources', async () => {
    const api = fakeApi(1);
    const store = new CaseInfoStore(api);
    await store.load();
    expect(store.sources[0]?.service_given).toBe(false);
    expect(await store.renameSource(1, 'web')).toBe(true);
    expect(api.renames).toEqual([[1, 'web']]);
    expect([store.sources[0]?.service, store.sources[0]?.service_given]).toEqual(['web', true]);
  });

  it('keeps a refusal apart from the case’s own error', async () => {
    const api = fakeApi(1);
    api.setSourceService = async () => {
      throw new WeftError('not_found', 'no source 9');
    };
    const store = new CaseInfoStore(api);
    expect(await store.renameSource(9, 'x')).toBe(false);
    expect([store.renameError?.code, store.error]).toEqual(['not_found', null]);
  });
});

describe('CaseInfoStore interrupted loads', () => {
  it('lists interrupted sources, removes one and reads the case again', async () => {
    const api = fakeApi(1);
    const store = new CaseInfoStore(api);
    await store.load();
    expect(store.interrupted).toEqual([]);
    const listed = await api.listSources();
    listed.push({ ...listed[0]!, id: 2, path: '/big.log', status: 'interrupted' });
    await store.load();
    expect(store.interrupted.map((source) => source.id)).toEqual([2]);
    await store.removeSource(2);
    expect(store.interrupted).toEqual([]);
    expect(store.sources.map((source) => source.id)).toEqual([1]);
  });

  it('keeps a refused resume as the sources’ error', async () => {
    const api = fakeApi(1);
    api.resumeSource = async () => {
      throw new WeftError('not_found', 'no source 9');
    };
    const store = new CaseInfoStore(api);
    await store.resumeSource(9);
    expect(store.renameError?.code).toBe('not_found');
  });
});
