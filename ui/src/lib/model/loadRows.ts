// The progress rows of the loading panel, one per file, as a pure state machine
// over the shell's load messages (src-tauri/src/loads.rs): queued → rows →
// indexing → search index → done / already loaded / failed / cancelled. Times are
// parameters (`nowMs`), so rate and time left are testable without a clock.
import type { FileReport, LoadMessage, LoadPhase, Problem } from '../api/types';
import { countOf } from './counts';

export type RowState =
  | 'queued'
  | 'rows'
  | 'indexing'
  | 'search_index'
  | 'done'
  | 'already'
  | 'failed'
  | 'cancelled';

export interface LoadRow {
  /** Unique: the load's id and the file's path. */
  key: string;
  loadId: number;
  path: string;
  state: RowState;
  /** A dropped path the load has not reached yet (maybe a folder). */
  placeholder: boolean;
  bytesRead: number;
  bytesTotal: number;
  records: number;
  problems: number;
  startedMs: number | null;
  updatedMs: number | null;
  phaseDone: number;
  phaseTotal: number;
  report: FileReport | null;
  error: string | null;
}

const RUNNING: readonly RowState[] = ['queued', 'rows', 'indexing', 'search_index'];

export function isRunning(row: LoadRow): boolean {
  return RUNNING.includes(row.state);
}

function blank(loadId: number, path: string, placeholder: boolean): LoadRow {
  return {
    key: `${loadId}:${placeholder ? 'queued:' : ''}${path}`,
    loadId,
    path,
    state: 'queued',
    placeholder,
    bytesRead: 0,
    bytesTotal: 0,
    records: 0,
    problems: 0,
    startedMs: null,
    updatedMs: null,
    phaseDone: 0,
    phaseTotal: 0,
    report: null,
    error: null,
  };
}

function stateOf(report: FileReport): RowState {
  switch (report.status) {
    case 'complete':
      return 'done';
    case 'already_loaded':
      return 'already';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'failed';
  }
}

function withReport(row: LoadRow, report: FileReport): LoadRow {
  return {
    ...row,
    path: report.path,
    placeholder: false,
    key: `${row.loadId}:${report.path}`,
    state: stateOf(report),
    report,
    records: Math.max(row.records, report.spans + report.logs),
    bytesRead: report.status === 'complete' ? row.bytesTotal : row.bytesRead,
  };
}

function isUnder(path: string, folder: string): boolean {
  const prefix = folder.endsWith('/') ? folder : `${folder}/`;
  return path.startsWith(prefix);
}

/** The rows after one message from the shell. */
export function applyLoad(rows: LoadRow[], message: LoadMessage, nowMs: number): LoadRow[] {
  if (message.type === 'queued') {
    return [...rows, ...message.paths.map((path) => blank(message.id, path, true))];
  }
  if (message.type === 'finished') {
    const reported = new Set<string>();
    let next = rows.map((row) => {
      if (row.loadId !== message.id) return row;
      if (row.report) return row;
      const report = message.reports.find((candidate) => candidate.path === row.path);
      if (report) {
        reported.add(report.path);
        return withReport(row, report);
      }
      if (message.cancelled) return { ...row, state: 'cancelled' as const };
      if (message.error) return { ...row, state: 'failed' as const, error: message.error.message };
      return row;
    });
    for (const row of next) if (row.loadId === message.id && row.report) reported.add(row.report.path);
    // Paths that failed before they started (unreadable) have a report and no row.
    const extra = message.reports
      .filter((report) => !reported.has(report.path))
      .map((report) => withReport(blank(message.id, report.path, false), report));
    next = [...next, ...extra];
    // Placeholders of folders whose files all got rows of their own go away.
    return next.filter(
      (row) => !(row.loadId === message.id && row.placeholder && row.state === 'queued'),
    );
  }
  const event = message.event;
  const path = event.kind === 'finished' ? event.report.path : event.path;
  let index = rows.findIndex(
    (row) => row.loadId === message.id && row.path === path && !row.placeholder,
  );
  let next = rows;
  if (index < 0) {
    // First word of this file: it replaces its dropped path, or joins its folder's.
    const exact = rows.findIndex(
      (row) => row.loadId === message.id && row.placeholder && row.path === path,
    );
    const fresh = blank(message.id, path, false);
    if (exact >= 0) {
      next = rows.map((row, at) => (at === exact ? fresh : row));
      index = exact;
    } else {
      const folder = rows.findIndex(
        (row) => row.loadId === message.id && row.placeholder && isUnder(path, row.path),
      );
      const at = folder >= 0 ? folder : rows.length;
      next = [...rows.slice(0, at), fresh, ...rows.slice(at)];
      index = at;
    }
  }
  const row = next[index]!;
  let updated: LoadRow;
  switch (event.kind) {
    case 'started':
      updated = { ...row, state: 'rows', bytesTotal: event.bytes_total, startedMs: nowMs, updatedMs: nowMs };
      break;
    case 'progress':
      updated = {
        ...row,
        state: row.state === 'queued' ? 'rows' : row.state,
        bytesRead: event.bytes_read,
        bytesTotal: event.bytes_total,
        records: event.records,
        problems: event.problems,
        startedMs: row.startedMs ?? nowMs,
        updatedMs: nowMs,
      };
      break;
    case 'phase':
      updated = {
        ...row,
        state: phaseState(event.phase),
        phaseDone: event.done,
        phaseTotal: event.total,
        startedMs: row.startedMs ?? nowMs,
        updatedMs: nowMs,
      };
      break;
    case 'finished':
      updated = { ...withReport(row, event.report), updatedMs: nowMs };
      break;
  }
  return next.map((candidate, at) => (at === index ? updated : candidate));
}

function phaseState(phase: LoadPhase): RowState {
  return phase;
}

/** Bytes read per second so far; null until there is a measurable interval. */
export function rateOf(row: LoadRow): number | null {
  if (row.startedMs === null || row.updatedMs === null) return null;
  const seconds = (row.updatedMs - row.startedMs) / 1000;
  if (seconds < 0.2 || row.bytesRead <= 0) return null;
  return row.bytesRead / seconds;
}

/** Seconds left to read the file at the rate so far; null when unknown. */
export function secondsLeft(row: LoadRow): number | null {
  const rate = rateOf(row);
  if (rate === null || row.bytesTotal <= 0) return null;
  return Math.max(0, row.bytesTotal - row.bytesRead) / rate;
}

/** How far the row is, 0..1, for its bar; null when the phase has no known total. */
export function fractionOf(row: LoadRow): number | null {
  if (!isRunning(row)) return 1;
  if (row.state === 'queued') return 0;
  if (row.state === 'rows') return row.bytesTotal > 0 ? Math.min(1, row.bytesRead / row.bytesTotal) : null;
  return row.phaseTotal > 0 ? Math.min(1, row.phaseDone / row.phaseTotal) : null;
}

/** 1536 → "1.5 KB", in powers of 1024 (the size a file manager shows). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '—' : `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds left for people: "< 1 s", "42 s", "3 min 05 s", "1 h 20 min"; "—" unknown. */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return '< 1 s';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Where a problem is in its file: "line 12", "byte 4096", or "". */
export function placeOf(problem: Problem): string {
  if (problem.line !== null) return `line ${problem.line}`;
  if (problem.offset !== null) return `byte ${problem.offset}`;
  return '';
}

/** What a row says in words. */
export function stateText(row: LoadRow): string {
  switch (row.state) {
    case 'queued':
      return 'waiting';
    case 'rows':
      return 'reading';
    case 'indexing':
      return 'indexing';
    case 'search_index':
      return 'search index';
    case 'done':
      return 'loaded';
    case 'already':
      return 'already loaded';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

/** The last path component of `path` (either slash), for the window's short texts. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter((part) => part !== '').at(-1) ?? path;
}

/**
 * The notice after a load of files named on the command line or handed over by a
 * second launch: "Loaded trace.json into incident.weft", "Loaded 3 files into …",
 * so it is plain which case they went to. Null for a load that loaded nothing.
 */
export function loadedIntoText(reports: readonly FileReport[], casePath: string): string | null {
  const loaded = reports.filter((report) => report.status === 'complete');
  const [first] = loaded;
  if (first === undefined) return null;
  const what = loaded.length === 1 ? baseName(first.path) : countOf(loaded.length, 'file');
  return `Loaded ${what} into ${baseName(casePath)}`;
}
