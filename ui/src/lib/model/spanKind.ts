// A span's kind as people read it: the OTLP `SpanKind` number the engine keeps
// (src/model.rs) as the word Jaeger and the OTel specification use.

/** The kinds by number, as the query language's `kind:` names them (src/query/parse.rs `SPAN_KINDS`). */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
const KINDS: readonly string[] = SPAN_KINDS;

/** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer; any other number as itself. */
export function spanKindName(kind: number): string {
  return KINDS[kind] ?? `kind ${kind}`;
}
