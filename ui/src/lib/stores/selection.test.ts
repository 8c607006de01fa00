import { describe, expect, it } from 'vitest';
import { fakeSearchApi, fakeTrace, fakeTraceFindings } from '../api/fakeSearch';
import { LogListStore } from './logs.svelte';
import { SelectionStore } from './selection.svelte';
import { WaterfallStore } from './waterfall.svelte';

const TRACE = fakeTrace.trace_id;

function stores() {
  const api = fakeSearchApi(10);
  const waterfall = new WaterfallStore(api, fakeTraceFindings());
  const logs = new LogListStore(api);
  return { api, waterfall, logs, selection: new SelectionStore(waterfall, logs) };
}

describe('SelectionStore', () => {
  it('opens a trace in the waterfall and scopes the logs to the whole trace', async () => {
    const { api, waterfall, logs, selection } = stores();
    await selection.openTrace(TRACE);
    expect(waterfall.trace?.trace_id).toBe(TRACE);
    expect(waterfall.selected).toBe(null);
    expect(logs.scope).toEqual({ traceId: TRACE, spanId: null });
    expect(api.calls.logsOfSpan).toEqual([{ traceId: TRACE, spanId: null, limit: 5_000 }]);
    expect(selection.traceId).toBe(TRACE);
  });

  it('opens a trace at a span: the span is selected and scopes the logs', async () => {
    const { waterfall, logs, selection } = stores();
    await selection.openTrace(TRACE, 'a1');
    expect(waterfall.selected).toBe('a1');
    expect(logs.scope).toEqual({ traceId: TRACE, spanId: 'a1' });
  });

  it('selecting a span scopes the logs to it; nothing happens without an open trace', async () => {
    const { waterfall, logs, selection } = stores();
    await selection.selectSpan('b');
    expect([waterfall.selected, logs.scope]).toEqual([null, null]);
    await selection.openTrace(TRACE);
    await selection.selectSpan('b');
    expect(waterfall.selected).toBe('b');
    expect(logs.scope).toEqual({ traceId: TRACE, spanId: 'b' });
  });

  it('the scope switch widens to the trace, narrows to the span, or drops the scope', async () => {
    const { waterfall, logs, selection } = stores();
    await selection.openTrace(TRACE, 'a');
    await selection.setScope(true);
    expect(logs.scope).toEqual({ traceId: TRACE, spanId: null });
    await selection.setScope(false);
    expect(logs.scope).toEqual({ traceId: TRACE, spanId: 'a' });
    await selection.setScope(null);
    expect(logs.scope).toBe(null);
    expect(waterfall.trace?.trace_id).toBe(TRACE);
  });

  it('without an open trace the scope switch only drops the scope', async () => {
    const { logs, selection } = stores();
    await selection.setScope(true);
    expect(logs.scope).toBe(null);
  });

  it('closing the waterfall drops the selection and the scope', async () => {
    const { waterfall, logs, selection } = stores();
    await selection.openTrace(TRACE, 'a');
    await selection.close();
    expect([waterfall.trace, waterfall.selected, logs.scope]).toEqual([null, null, null]);
    expect(selection.traceId).toBe(null);
  });
});
