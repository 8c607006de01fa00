// The Services view's data (issue 16): RED per service and operation (with time
// series) and the service map for the search box's query, the service whose
// operations are shown, the sort of each table, and the case's objectives (SLOs). Loaded when the view is shown
// and again when the query changes or a load added records (`forget`). A query the engine cannot
// parse keeps the report before it (`stale`) with the error.
import { servicesApi, toWeftError, type ServiceReport, type ServicesApi, type SloReport, type WeftError } from '../api';
import type { RedSort } from '../model/services';

/** Buckets of each sparkline. */
export const SPARK_BUCKETS = 30;

export class ServicesStore {
  report = $state.raw<ServiceReport | null>(null);
  /** The case's objectives, evaluated (they do not follow the query, as `weft slo`). */
  slos = $state.raw<SloReport[]>([]);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  stale = $state(false);
  /** The query of the report held; null before the first or after `forget`. */
  query = $state<string | null>(null);
  /** The service whose operations the table lists (null: every service's). */
  service = $state<string | null>(null);
  serviceSort = $state<RedSort>({ column: 'calls', descending: true });
  operationSort = $state<RedSort>({ column: 'calls', descending: true });
  /** Why the last objective could not be added or removed (the engine's words). */
  objectiveError = $state.raw<WeftError | null>(null);
  /** An objective is being added or removed. */
  editing = $state(false);

  readonly #api: ServicesApi;
  #generation = 0;

  constructor(api: ServicesApi = servicesApi) {
    this.#api = api;
  }

  /** Loads the report of `query` unless it is the one held. */
  async show(query: string): Promise<void> {
    if (query === this.query && this.error === null) return;
    await this.reload(query);
  }

  /** Loads the report of `query`. */
  async reload(query: string): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const [report, slos] = await Promise.all([
        this.#api.serviceReport(query, SPARK_BUCKETS),
        this.#api.sloReport(SPARK_BUCKETS),
      ]);
      if (generation !== this.#generation) return;
      this.report = report;
      this.slos = slos;
      this.query = query;
      this.error = null;
      this.stale = false;
      if (this.service !== null && !report.services.some((service) => service.service === this.service)) {
        this.service = null;
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = toWeftError(error);
      this.stale = this.report !== null;
      this.query = query;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Keeps an objective (`weft slo add`); the objectives are read again. Whether it
   *  was kept (if not, `objectiveError` says why). */
  async addObjective(operation: string, p95: string, errors: string): Promise<boolean> {
    return this.#editObjectives(() => this.#api.addObjective(operation, p95, errors));
  }

  /** Removes objective `id` (`weft slo remove`); the objectives are read again. */
  async removeObjective(id: number): Promise<boolean> {
    return this.#editObjectives(() => this.#api.removeObjective(id));
  }

  async #editObjectives(edit: () => Promise<unknown>): Promise<boolean> {
    this.editing = true;
    try {
      await edit();
      this.objectiveError = null;
      this.slos = await this.#api.sloReport(SPARK_BUCKETS);
      return true;
    } catch (error) {
      this.objectiveError = toWeftError(error);
      return false;
    } finally {
      this.editing = false;
    }
  }

  /** The case changed: the next `show` loads again. */
  forget(): void {
    this.query = null;
  }
}
