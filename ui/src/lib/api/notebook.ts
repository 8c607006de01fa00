// The Notebook commands of src-tauri/src/notebook.rs (issue 18): the case's marks
// with their notes as trees, adding, editing and removing one, and the report
// (its path asked by the shell's save dialog, then written).
import { call } from './call';
import type { Block, Notebook, ReportFormat, ReportTarget, WireMarkEdit, WireNewMark } from './generated/bindings';

/** What the notebook store needs from the shell. */
export interface NotebookApi {
  listMarks(): Promise<Notebook>;
  addMark(draft: WireNewMark): Promise<number>;
  editMark(id: number, edit: WireMarkEdit): Promise<null>;
  removeMark(id: number): Promise<boolean>;
  /** A note's tree, for the editor's preview. */
  renderNote(note: string): Promise<Block[]>;
  /** Asks where to write the report; null when the dialog is cancelled. */
  chooseReportPath(): Promise<ReportTarget | null>;
  /** Writes the report; the files written (an HTML report is one file). */
  exportReport(path: string, format: ReportFormat): Promise<string[]>;
}

export const notebookApi: NotebookApi = {
  listMarks: () => call('list_marks', {}),
  addMark: (draft) => call('add_mark', { draft }),
  editMark: (id, edit) => call('edit_mark', { id, edit }),
  removeMark: (id) => call('remove_mark', { id }),
  renderNote: (note) => call('render_note', { note }),
  chooseReportPath: () => call('choose_report_path', {}),
  exportReport: (path, format) => call('export_report', { path, format }),
};
