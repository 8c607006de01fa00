// The case's notebook (issue 18): its marks, loaded again on refresh (so marks another
// window or `weft mark add` wrote show up), the mark editor's form (a new mark on what
// `m` found, or an existing one), reordering within a time, the mark a flag asked the
// Notebook view to show, and the report's export with where it went.
import { notebookApi, toWeftError, type NotebookApi, type WeftError } from '../api';
import type { WireMark, WireNewMark } from '../api/generated/bindings';
import { formatTimeField, parseTimeField } from '../model/format';
import { dropPositions, marksBy, parseTags, stepPositions, type PositionEdit } from '../model/notebook';

/** The editor's fields, as text the user types. */
export interface MarkForm {
  note: string;
  tags: string;
  colour: string;
  phase: string;
  /** The time of the evidence; '' for a new mark: the evidence's own. */
  time: string;
  author: string;
}

/** What the editor is editing: a new mark on a target, or mark `id`. */
export type Editing =
  | { mode: 'new'; target: Omit<WireNewMark, 'note' | 'tags'>; form: MarkForm }
  | { mode: 'edit'; id: number; mark: WireMark; form: MarkForm };

const AUTHOR_KEY = 'weft.notebook.author';

export class NotebookStore {
  marks = $state.raw<WireMark[]>([]);
  phases = $state.raw<string[]>([]);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  editing = $state.raw<Editing | null>(null);
  /** The editor's error (a time that does not read, a refused save). */
  editError = $state<string | null>(null);
  /** The mark the Notebook view scrolls to and highlights (a flag was clicked). */
  shown = $state<number | null>(null);
  /** The last export: the files written, or its error. */
  exported = $state.raw<{ files: string[] } | { error: string } | null>(null);
  /** The first mark on each span (`trace/span`) and log line (its id), for the rows' flags. */
  readonly spanMarks = $derived(marksBy(this.marks, 'span'));
  readonly logMarks = $derived(marksBy(this.marks, 'log'));
  readonly #api: NotebookApi;
  readonly #storage: Storage | null;
  #generation = 0;

  constructor(api: NotebookApi = notebookApi, storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage) {
    this.#api = api;
    this.#storage = storage;
  }

  /** Loads the case's marks (again: a refresh, another window's marks). */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const notebook = await this.#api.listMarks();
      if (generation !== this.#generation) return;
      this.marks = notebook.marks;
      this.phases = notebook.phases;
      this.error = null;
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Opens the editor on a new mark of `target` (a note gets the time now, to change). */
  startNew(target: Omit<WireNewMark, 'note' | 'tags'>, nowNs: string): void {
    const time = target.kind === 'note' ? formatTimeField(nowNs) : '';
    this.editError = null;
    this.editing = { mode: 'new', target, form: { note: '', tags: '', colour: '', phase: '', time, author: this.#author() } };
  }

  /** Opens the editor on mark `id`. */
  startEdit(id: number): void {
    const mark = this.marks.find((candidate) => candidate.id === id);
    if (!mark) return;
    this.editError = null;
    this.editing = {
      mode: 'edit',
      id,
      mark,
      form: { note: mark.note, tags: mark.tags.join(' '), colour: mark.colour ?? '', phase: mark.phase ?? '', time: formatTimeField(mark.at_ns), author: mark.author },
    };
  }

  cancel(): void {
    this.editing = null;
    this.editError = null;
  }

  /** Saves the editor's form (add_mark or edit_mark); the editor closes when it worked. */
  async save(form: MarkForm): Promise<boolean> {
    const editing = this.editing;
    if (!editing) return false;
    let atNs: string | undefined;
    const unchanged = editing.mode === 'edit' && form.time === formatTimeField(editing.mark.at_ns);
    if (form.time.trim() !== '' && !unchanged) {
      const parsed = parseTimeField(form.time);
      if (parsed === null) {
        this.editError = `time: “${form.time}” is not a time like 2026-11-03 10:02:00Z`;
        return false;
      }
      atNs = parsed;
    }
    if (editing.mode === 'new' && editing.target.kind === 'note' && atNs === undefined) {
      this.editError = 'a note without evidence needs a time';
      return false;
    }
    try {
      if (editing.mode === 'new') {
        const author = form.author.trim();
        if (author !== '') this.#storage?.setItem(AUTHOR_KEY, author);
        else this.#storage?.removeItem(AUTHOR_KEY);
        const id = await this.#api.addMark({
          ...editing.target,
          note: form.note,
          tags: parseTags(form.tags),
          ...(form.colour !== '' ? { colour: form.colour } : {}),
          ...(form.phase.trim() !== '' ? { phase: form.phase.trim() } : {}),
          ...(atNs !== undefined ? { at_ns: atNs } : {}),
          ...(author !== '' ? { author } : {}),
        });
        this.shown = id;
      } else {
        await this.#api.editMark(editing.id, {
          note: form.note,
          tags: parseTags(form.tags),
          colour: form.colour,
          phase: form.phase.trim(),
          ...(atNs !== undefined ? { at_ns: atNs } : {}),
        });
      }
    } catch (raw) {
      this.editError = toWeftError(raw).message;
      return false;
    }
    this.editing = null;
    this.editError = null;
    await this.load();
    return true;
  }

  async remove(id: number): Promise<void> {
    try {
      await this.#api.removeMark(id);
    } catch (raw) {
      this.error = toWeftError(raw);
    }
    await this.load();
  }

  /** Moves mark `id` one place up or down among the marks of its time. */
  async step(id: number, step: -1 | 1): Promise<boolean> {
    const edits = stepPositions(this.marks, id, step);
    if (edits === null) return false;
    await this.#positions(edits);
    return true;
  }

  /** Drops mark `movedId` before or after `targetId` (same time only). */
  async drop(movedId: number, targetId: number, before: boolean): Promise<boolean> {
    const edits = dropPositions(this.marks, movedId, targetId, before);
    if (edits === null) return false;
    await this.#positions(edits);
    return true;
  }

  /** Asks where, then writes the report there; `exported` says where it went. */
  async exportReport(): Promise<void> {
    try {
      const target = await this.#api.chooseReportPath();
      if (target === null) return;
      this.exported = { files: await this.#api.exportReport(target.path, target.format) };
    } catch (raw) {
      this.exported = { error: toWeftError(raw).message };
    }
  }

  async #positions(edits: PositionEdit[]): Promise<void> {
    try {
      for (const edit of edits) await this.#api.editMark(edit.id, { position: edit.position });
    } catch (raw) {
      this.error = toWeftError(raw);
    }
    await this.load();
  }

  #author(): string {
    return this.#storage?.getItem(AUTHOR_KEY) ?? '';
  }
}
