// A span's kind as people read it: the OTLP `SpanKind` number the engine keeps
// (src/model.rs) as the word Jaeger and the OTel specification use.

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer; any other number as itself. */
export function spanKindName(kind: number): string {
  return KINDS[kind] ?? `kind ${kind}`;
}
