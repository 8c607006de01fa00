// The File → Export… dialog's state (issue 20): open with the scopes of what is shown,
// the scope and format chosen, then the save dialog and the export; what was written
// or why it failed.
import { exportApi, type ExportApi } from '../api/exportRecords';
import { toWeftError } from '../api/errors';
import type { ExportCounts, ExportFormat } from '../api/generated/bindings';
import { scopeChoices, type ScopeChoice } from '../model/exportScope';

export type ExportOutcome = { counts: ExportCounts; path: string } | { error: string };

export class ExportDialogStore {
  open = $state(false);
  choices = $state<ScopeChoice[]>([]);
  chosen = $state(0);
  format = $state<ExportFormat>('otlp-json');
  running = $state(false);
  outcome = $state<ExportOutcome | null>(null);
  #api: ExportApi;

  constructor(api: ExportApi = exportApi) {
    this.#api = api;
  }

  show(openTraceId: string | null, query: string): void {
    this.choices = scopeChoices(openTraceId, query);
    this.chosen = 0;
    this.outcome = null;
    this.open = true;
  }

  cancel(): void {
    this.open = false;
  }

  /** The save dialog, then the export; the dialog closes once a path is chosen. */
  async run(): Promise<void> {
    const choice = this.choices[this.chosen];
    if (choice === undefined || this.running) return;
    this.running = true;
    try {
      const path = await this.#api.chooseExportPath(this.format);
      if (path === null) return;
      this.open = false;
      const counts = await this.#api.exportRecords(path, this.format, choice.args);
      this.outcome = { counts, path };
    } catch (raw) {
      this.outcome = { error: toWeftError(raw).message };
    } finally {
      this.running = false;
    }
  }
}
