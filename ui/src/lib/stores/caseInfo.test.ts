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
