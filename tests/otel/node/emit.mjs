// A small Node service instrumented with the OpenTelemetry Node SDK (@opentelemetry/sdk-node),
// as a developer would set it up, exporting to an OTLP/HTTP endpoint: spans (nested, with
// attributes, events, an exception and an error status) and logs with trace context, both
// through the OTel logs API and from pino through @opentelemetry/instrumentation-pino.
//
//   node emit.mjs --url http://127.0.0.1:4318 --protocol json|proto --service NAME
//                 [--traces N] [--pino FILE]
//
// It runs in a process of its own (the SDK registers process-wide globals once), shuts
// the SDK down (which flushes the exporters; a failed export makes it exit 1) and prints
// on stdout, as one JSON document, what the SDK itself recorded of every span and log
// record it exported (an in-memory exporter beside the OTLP one): what the case must hold.
// Times and ids are strings (ns as decimal text, ids as lower-case hex).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber, logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    protocol: { type: 'string', default: 'json' },
    service: { type: 'string', default: 'node-checkout' },
    traces: { type: 'string', default: '3' },
    pino: { type: 'string', default: '/dev/null' },
  },
});
if (!values.url) throw new Error('emit.mjs: --url is needed');
const proto = values.protocol === 'proto';
if (!proto && values.protocol !== 'json') throw new Error(`emit.mjs: unknown --protocol ${values.protocol}`);

// A failed export is reported by the SDK through its diagnostic logger and the export
// callbacks, not by shutdown(): count failures through a wrapping exporter instead.
let failedExports = 0;
function counting(exporter) {
  return {
    export(items, done) {
      exporter.export(items, (result) => {
        if (result.code !== 0) {
          failedExports += 1;
          process.stderr.write(`emit.mjs: export failed: ${result.error?.message ?? result.code}\n`);
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

const traceExporter = counting(
  proto ? new TracesProto({ url: `${values.url}/v1/traces` }) : new TracesJson({ url: `${values.url}/v1/traces` }),
);
const logExporter = counting(
  proto ? new LogsProto({ url: `${values.url}/v1/logs` }) : new LogsJson({ url: `${values.url}/v1/logs` }),
);
const sentSpans = new InMemorySpanExporter();
const sentLogs = new InMemoryLogRecordExporter();

const sdk = new NodeSDK({
  serviceName: values.service,
  autoDetectResources: false,
  spanProcessors: [new BatchSpanProcessor(traceExporter), new SimpleSpanProcessor(sentSpans)],
  logRecordProcessors: [
    new BatchLogRecordProcessor({ exporter: logExporter }),
    new SimpleLogRecordProcessor({ exporter: sentLogs }),
  ],
  instrumentations: [new PinoInstrumentation()],
});
sdk.start();

// pino is required after the SDK started, so the instrumentation hooks it (CommonJS).
const require = createRequire(import.meta.url);
const pino = require('pino');
const logger = pino({ level: 'info' }, pino.destination({ dest: values.pino, sync: true }));
const tracer = trace.getTracer('weft-otel-node-test', '1.0.0');
const otelLogger = logs.getLogger('weft-otel-node-test', '1.0.0');

for (let order = 0; order < Number(values.traces); order += 1) {
  tracer.startActiveSpan(
    'POST /checkout',
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500, 'order.id': order } },
    (root) => {
      root.addEvent('request.received', { 'request.bytes': 512, 'request.tags': ['a', 'b'] });
      logger.info({ order }, 'checkout started');
      tracer.startActiveSpan(
        'SELECT orders',
        { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.rows': 42, 'db.ratio': 0.25, 'db.cached': false } },
        (query) => {
          otelLogger.emit({
            severityNumber: SeverityNumber.WARN,
            severityText: 'WARN',
            body: `slow query for order ${order}`,
            attributes: { 'db.duration_ms': 1250 },
          });
          tracer.startActiveSpan('pool.acquire', (acquire) => acquire.end());
          query.recordException(new Error('deadline exceeded'));
          query.setStatus({ code: SpanStatusCode.ERROR, message: 'deadline exceeded' });
          query.end();
        },
      );
      logger.error({ order }, 'checkout failed');
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
      root.end();
    },
  );
}
// A log record outside any span: it names no trace and must stay unlinked.
context.with(context.active(), () =>
  otelLogger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'service idle' }),
);

// Read before shutdown: shutting the in-memory exporters down empties them.
const ns = ([seconds, nanos]) => (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
const spans = sentSpans.getFinishedSpans().map((span) => ({
  trace_id: span.spanContext().traceId,
  span_id: span.spanContext().spanId,
  parent_span_id: span.parentSpanContext?.spanId ?? null,
  name: span.name,
  // The SDK numbers kinds from INTERNAL = 0; OTLP from UNSPECIFIED = 0.
  kind: span.kind + 1,
  service: values.service,
  start_ns: ns(span.startTime),
  end_ns: ns(span.endTime),
  status: ['unset', 'ok', 'error'][span.status.code],
  status_message: span.status.message ?? '',
  attributes: span.attributes,
  events: span.events.map((event) => ({ name: event.name, time_ns: ns(event.time), attributes: event.attributes ?? {} })),
  resource: span.resource.attributes,
  scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version ?? '' },
}));
const records = sentLogs.getFinishedLogRecords().map((record) => ({
  ts_ns: ns(record.hrTime),
  severity: record.severityNumber,
  severity_text: record.severityText ?? null,
  body: record.body,
  service: values.service,
  trace_id: record.spanContext?.traceId ?? null,
  span_id: record.spanContext?.spanId ?? null,
  attributes: record.attributes,
}));

await sdk.shutdown();
if (failedExports > 0) process.exit(1);
process.stdout.write(`${JSON.stringify({ spans, logs: records })}\n`);
