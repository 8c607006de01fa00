import { describe, expect, it } from 'vitest';
import { WeftError, type NotebookApi } from '../api';
import type { WireMark, WireMarkEdit, WireNewMark } from '../api/generated/bindings';
import { memoryStorage } from '../model/saved';
import { NotebookStore } from './notebook.svelte';

/** A shell holding marks in memory, in the engine's order, recording every edit. */
function shell(): NotebookApi & { marks: WireMark[]; added: WireNewMark[]; edits: [number, WireMarkEdit][] } {
  const marks: WireMark[] = [];
  const added: WireNewMark[] = [];
  const edits: [number, WireMarkEdit][] = [];
  const order = () =>
    [...marks].sort((a, b) => (BigInt(a.at_ns) < BigInt(b.at_ns) ? -1 : BigInt(a.at_ns) > BigInt(b.at_ns) ? 1 : a.position - b.position || a.id - b.id));
  return {
    marks,
    added,
    edits,
    listMarks: async () => ({ marks: order(), groups: [], phases: ['detection', 'impact', 'mitigation', 'resolution'] }),
    async addMark(draft) {
      if (draft.kind === 'log' && draft.log_id === 999) throw new WeftError('not_found', 'no log line 999');
      added.push(draft);
      const id = marks.length + 1;
      marks.push({
        id, kind: draft.kind, trace_id: draft.trace_id ?? null, span_id: draft.span_id ?? null, log_id: draft.log_id ?? null,
        from_ns: null, to_ns: null, query: draft.query ?? null, note: draft.note, note_blocks: [], tags: draft.tags,
        author: draft.author ?? 'os-user', created_ns: '1', at_ns: draft.at_ns ?? '100', target_missing: false,
        colour: draft.colour ?? null, phase: draft.phase ?? null, position: 0,
      });
      return id;
    },
    async editMark(id, edit) {
      edits.push([id, edit]);
      const mark = marks.find((m) => m.id === id)!;
      if (edit.position !== undefined) mark.position = edit.position;
      if (edit.note !== undefined) mark.note = edit.note;
      if (edit.at_ns !== undefined) mark.at_ns = edit.at_ns;
      return null;
    },
    removeMark: async (id) => marks.splice(marks.findIndex((m) => m.id === id), 1).length === 1,
    renderNote: async () => [],
    chooseReportPath: async () => ({ path: '/tmp/r.html', format: 'html' }),
    exportReport: async (path) => [path],
  };
}

describe('NotebookStore', () => {
  it('adds a mark from the editor with its tags, phase and author, and remembers the author', async () => {
    const api = shell();
    const storage = memoryStorage();
    const store = new NotebookStore(api, storage as unknown as Storage);
    store.startNew({ kind: 'span', trace_id: 't', span_id: 's' }, '0');
    expect(store.editing?.form.time).toBe('');
    expect(await store.save({ note: '**pool**', tags: '#db cause', colour: 'red', phase: 'impact', time: '', author: 'Ana' })).toBe(true);
    expect(api.added[0]!).toEqual({ kind: 'span', trace_id: 't', span_id: 's', note: '**pool**', tags: ['db', 'cause'], colour: 'red', phase: 'impact', author: 'Ana' });
    expect(store.editing).toBeNull();
    expect(store.marks.map((m) => m.note)).toEqual(['**pool**']);
    store.startNew({ kind: 'trace', trace_id: 't' }, '0');
    expect(store.editing?.form.author).toBe('Ana');
  });

  it('needs a readable time for a note without evidence, and keeps the editor open on errors', async () => {
    const api = shell();
    const store = new NotebookStore(api, null);
    store.startNew({ kind: 'note' }, '1762164120000000000');
    expect(store.editing?.form.time).toBe('2025-11-03 10:02:00.000Z');
    expect(await store.save({ note: 'deploy', tags: '', colour: '', phase: '', time: 'soon', author: '' })).toBe(false);
    expect(store.editError).toContain('soon');
    expect(await store.save({ note: 'deploy', tags: '', colour: '', phase: '', time: '2025-11-03 10:02', author: '' })).toBe(true);
    expect(api.added[0]!.at_ns).toBe('1762164120000000000');
    store.startNew({ kind: 'log', log_id: 999 }, '0');
    expect(await store.save({ note: '', tags: '', colour: '', phase: '', time: '', author: '' })).toBe(false);
    expect(store.editError).toBe('no log line 999');
  });

  it('edits a mark without touching its time unless the time text changed', async () => {
    const api = shell();
    const store = new NotebookStore(api, null);
    await api.addMark({ kind: 'note', note: 'a', tags: [], at_ns: '1762164120123456789' });
    await store.load();
    store.startEdit(1);
    const form = store.editing!.form;
    await store.save({ ...form, note: 'b' });
    expect(api.edits[0]![1].at_ns).toBeUndefined();
    expect(api.marks[0]!.at_ns).toBe('1762164120123456789');
    store.startEdit(1);
    await store.save({ ...store.editing!.form, time: '2025-11-03 10:03' });
    expect(api.marks[0]!.at_ns).toBe('1762164180000000000');
  });

  it('reorders marks of one time by step and by drop, and removes one', async () => {
    const api = shell();
    const store = new NotebookStore(api, null);
    for (const note of ['a', 'b', 'c']) await api.addMark({ kind: 'note', note, tags: [], at_ns: '5' });
    await store.load();
    expect(await store.step(1, -1)).toBe(false);
    expect(await store.step(3, -1)).toBe(true);
    expect(store.marks.map((m) => m.note)).toEqual(['a', 'c', 'b']);
    expect(await store.drop(1, 2, false)).toBe(true);
    expect(store.marks.map((m) => m.note)).toEqual(['c', 'b', 'a']);
    await store.remove(2);
    expect(store.marks.map((m) => m.note)).toEqual(['c', 'a']);
  });

  it('exports the report where the dialog says', async () => {
    const store = new NotebookStore(shell(), null);
    await store.exportReport();
    expect(store.exported).toEqual({ files: ['/tmp/r.html'] });
  });
});
