// The shapes of the shell's commands and events, under the names the UI uses.
// Every shape is generated from the Rust types (generated/bindings.ts, written by
// src-tauri/src/bindings.rs; a Rust test fails when it is stale): nothing here is
// written by hand but the renames and the two messages the api folder builds from
// the events. Times and durations are integers in nanoseconds; those that must be
// exact travel as decimal strings.
import type {
  Commands,
  EventView,
  Finished,
  FollowEvent,
  Followed,
  Link,
  LinkView,
  ListenState,
  ListenStopped,
  Progress,
  Queued,
  Stopped,
  WireAnchor,
  WireCursor,
  WireLogPage,
  WireSource,
  WireSpan,
  WireTrace,
} from './generated/bindings';

export type {
  ApiError,
  ListenCounts,
  ListenState,
  ListenStopped,
  AttributeScore,
  CompareNode,
  Doctor,
  Example,
  Finding,
  Severity,
  PathStats,
  SelectionComparison,
  Skew,
  ValueShare,
  WirePathSection as PathSection,
  CaseChanged,
  CaseInfo,
  Code,
  Commands,
  Events,
  Facet,
  Facets,
  FileReport,
  FileStatus,
  DensityBucket,
  Histogram,
  IngestEvent,
  LoadPhase,
  LogView,
  Problem,
  ServiceStats,
  SourceStatus,
  Stats,
  StatusCode,
  TimeDensity,
  TraceSort,
  TraceSummary,
  FieldWords,
  LogCount,
  Vocabulary,
  MapEdge,
  MapNode,
  OperationRed,
  ServiceMap,
  ServiceRed,
  ServiceReport,
  SeriesPoint,
  Objective,
  Sli,
} from './generated/bindings';
export type {
  WireSeriesAxis as SeriesAxis,
  WireSloBucket as SloBucket,
  WireSloReport as SloReport,
} from './generated/bindings';

/** A page of the trace list; the shell caps `limit` (MAX_PAGE in src-tauri/src/search.rs). */
export type Page = Commands['list_traces']['args'];
/** `list_sources`: a source plus the service its records without one carry. */
export type SourceRow = WireSource;
/** A position in the time order of logs; `ts_ns` is a decimal string, exact. */
export type Cursor = WireCursor;
export type Anchor = WireAnchor;
export type LogPage = WireLogPage;
/** `get_trace`'s span: the engine's span plus exact offsets from the trace's start. */
export type SpanView = WireSpan;
export type TraceView = WireTrace;
export type SpanEvent = EventView;
export type SpanLink = LinkView;
/** A log's correlation state (DESIGN.md "Correlation"). */
export type LinkState = Link;
/** An engine `FollowEvent` (src/ingest/follow.rs), tagged by `event`. */
export type FollowEventWire = FollowEvent;

/** The shell's load events (src-tauri/src/loads.rs), one union tagged by `type`. */
export type LoadMessage =
  | ({ type: 'queued' } & Queued)
  | ({ type: 'ingest' } & Progress)
  | ({ type: 'finished' } & Finished);

/** What a follower tells the window: one of its events, or that it stopped. */
export type FollowMessage = ({ type: 'event' } & Followed) | ({ type: 'stopped' } & Stopped);

/** What the Listen switch's receiver tells the window: its counts so far, or that it stopped. */
export type ListenMessage = ({ type: 'counts' } & ListenState) | ({ type: 'stopped' } & ListenStopped);
