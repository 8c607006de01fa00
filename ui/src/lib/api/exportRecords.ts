// File → Export… (src-tauri/src/export.rs, issue 20): the path asked by the shell's
// save dialog, then the records written by the engine's one export function.
import { call } from './call';
import type { ExportCounts, ExportFormat, ExportScope } from './generated/bindings';

export interface ExportApi {
  /** Asks where to write; null when the dialog is cancelled. */
  chooseExportPath(format: ExportFormat): Promise<string | null>;
  /** Writes the records of `scope`; the spans and logs written. */
  exportRecords(path: string, format: ExportFormat, scope: ExportScope): Promise<ExportCounts>;
}

export const exportApi: ExportApi = {
  chooseExportPath: (format) => call('choose_export_path', { format }),
  exportRecords: (path, format, scope) => call('export_records', { path, format, scope }),
};
