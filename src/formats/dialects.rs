//! The JSON logger dialects, as data: which keys identify a logger's lines and
//! where its time, level, message, ids and service are. `json_log.rs` reads a
//! line as the first dialect whose `detect` keys are all present (keys may be
//! dotted or nested: `trace.id` finds `{"trace.id":…}` and `{"trace":{"id":…}}`),
//! else as `json` (common names). Each entry carries sample lines that a test decodes.

/// How a dialect writes numeric levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelNumbers {
    /// pino/bunyan: 10 trace … 60 fatal.
    Pino,
    /// syslog priorities: 0 emergency … 7 debug (journald).
    Syslog,
}

/// How a dialect spells trace and span ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdSpelling {
    /// Hex, base64, UUID, `0x`, traceparent: whatever `TraceId::parse` accepts.
    Any,
    /// Decimal, the low 64 bits (Datadog).
    Decimal,
}

#[derive(Debug)]
pub struct Dialect {
    pub name: &'static str,
    /// Keys that must all be present for a line to be read as this dialect.
    pub detect: &'static [&'static str],
    pub time: &'static [&'static str],
    pub level: &'static [&'static str],
    pub level_numbers: LevelNumbers,
    pub message: &'static [&'static str],
    pub trace_id: &'static [&'static str],
    pub span_id: &'static [&'static str],
    pub ids: IdSpelling,
    pub service: &'static [&'static str],
    /// Lines of this logger, decoded by a test (`dialect_samples_decode`).
    pub samples: &'static [&'static str],
}

const TRACE_FLAGS: &[&str] = &["trace_flags", "traceFlags", "trace.flags", "flags"];

/// Keys that carry W3C trace flags (hex), in any dialect.
pub fn trace_flag_keys() -> &'static [&'static str] {
    TRACE_FLAGS
}

/// The dialects in the order lines are matched against them; `json` last catches all.
pub const DIALECTS: &[Dialect] = &[
    Dialect {
        name: "clef",
        detect: &["@t"],
        time: &["@t"],
        level: &["@l"],
        level_numbers: LevelNumbers::Pino,
        message: &["@m"],
        trace_id: &["@tr"],
        span_id: &["@sp"],
        ids: IdSpelling::Any,
        service: &["@ra.service.name", "Application", "service.name"],
        samples: &[
            r#"{"@t":"2023-12-20T00:50:00.2Z","@l":"Warning","@tr":"7d4dedcc73b18e449e0e4ea08cbe346d","@sp":"2222222222222222","@mt":"{Count} rows retrieved","Count":42,"@x":"System.TimeoutException: timeout"}"#,
        ],
    },
    Dialect {
        name: "ecs",
        detect: &["ecs.version"],
        time: &["@timestamp"],
        level: &["log.level"],
        level_numbers: LevelNumbers::Pino,
        message: &["message"],
        trace_id: &["trace.id"],
        span_id: &["span.id"],
        ids: IdSpelling::Any,
        service: &["service.name"],
        samples: &[
            r#"{"@timestamp":"2025-01-13T09:58:13.631Z","log.level":"error","message":"payment declined","ecs.version":"1.6.0","service":{"name":"payments"},"trace":{"id":"c759f29f5f1e2162be56f32dd1e77fce"},"span":{"id":"17c4a60ca4297cf1"}}"#,
        ],
    },
    Dialect {
        name: "gcp",
        detect: &["logging.googleapis.com/trace"],
        time: &["timestamp", "time"],
        level: &["severity"],
        level_numbers: LevelNumbers::Pino,
        message: &["message", "textPayload"],
        trace_id: &["logging.googleapis.com/trace"],
        span_id: &["logging.googleapis.com/spanId"],
        ids: IdSpelling::Any,
        service: &["serviceContext.service", "service"],
        samples: &[
            r#"{"severity":"ERROR","message":"charge failed","timestamp":{"seconds":1793700000,"nanos":123000000},"logging.googleapis.com/trace":"projects/shop/traces/c759f29f5f1e2162be56f32dd1e77fce","logging.googleapis.com/spanId":"17c4a60ca4297cf1","serviceContext":{"service":"payments"}}"#,
        ],
    },
    Dialect {
        name: "datadog",
        detect: &["dd.trace_id"],
        time: &["timestamp", "date", "@timestamp", "time"],
        level: &["level", "status", "severity"],
        level_numbers: LevelNumbers::Pino,
        message: &["message", "msg"],
        trace_id: &["dd.trace_id"],
        span_id: &["dd.span_id"],
        ids: IdSpelling::Decimal,
        service: &["dd.service", "service"],
        samples: &[
            r#"{"timestamp":"2026-11-03T10:00:01.250Z","level":"WARN","message":"retrying charge","dd":{"trace_id":"1234567890123456789","span_id":"987654321","service":"payments","env":"prod"}}"#,
        ],
    },
    Dialect {
        name: "python-otel",
        detect: &["otelTraceID"],
        time: &["asctime", "timestamp", "created", "time"],
        level: &["levelname", "level"],
        level_numbers: LevelNumbers::Pino,
        message: &["message", "msg"],
        trace_id: &["otelTraceID"],
        span_id: &["otelSpanID"],
        ids: IdSpelling::Any,
        service: &["otelServiceName", "service.name"],
        samples: &[
            r#"{"asctime":"2026-11-03 10:00:02,123","levelname":"ERROR","name":"app.checkout","message":"order failed","otelTraceID":"c759f29f5f1e2162be56f32dd1e77fce","otelSpanID":"17c4a60ca4297cf1","otelServiceName":"checkout","otelTraceSampled":true}"#,
        ],
    },
    Dialect {
        name: "python-json",
        detect: &["levelname"],
        time: &["asctime", "timestamp", "created", "time"],
        level: &["levelname"],
        level_numbers: LevelNumbers::Pino,
        message: &["message", "msg"],
        trace_id: &["trace_id", "traceId"],
        span_id: &["span_id", "spanId"],
        ids: IdSpelling::Any,
        service: &["service.name", "service"],
        samples: &[
            r#"{"asctime":"2026-11-03T10:00:03Z","levelname":"INFO","name":"worker","message":"job done"}"#,
        ],
    },
    Dialect {
        name: "bunyan",
        detect: &["v", "level", "msg", "name"],
        time: &["time"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["msg"],
        trace_id: &["trace_id", "traceId", "trace.id"],
        span_id: &["span_id", "spanId", "span.id"],
        ids: IdSpelling::Any,
        service: &["service.name", "service", "name"],
        samples: &[
            r#"{"name":"myservice","pid":123,"hostname":"example.com","level":50,"msg":"request failed","time":"2012-02-08T22:56:54.856Z","v":0}"#,
        ],
    },
    Dialect {
        name: "pino",
        // pino's default base fields (pid, hostname) tell it from logrus.
        detect: &["level", "time", "msg", "pid"],
        time: &["time", "timestamp"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["msg", "message"],
        trace_id: &["trace_id", "traceId", "trace.id"],
        span_id: &["span_id", "spanId", "span.id"],
        ids: IdSpelling::Any,
        service: &["service.name", "service", "name"],
        samples: &[
            r#"{"level":30,"time":1717200000029,"pid":1933,"hostname":"search-a185cc","name":"search","trace_id":"af43e2a1c0b57d6e8f9a0b1c2d3e4f50","span_id":"e8c2a1b0c9d8e7f6","trace_flags":"01","msg":"incoming request"}"#,
            r#"{"level":"info","time":"2026-11-03T10:00:00.000Z","pid":17,"hostname":"h","traceId":"c759f29f5f1e2162be56f32dd1e77fce","spanId":"17c4a60ca4297cf1","err":{"type":"Error","message":"boom","stack":"Error: boom\n    at main"},"msg":"boom"}"#,
        ],
    },
    Dialect {
        name: "zap",
        detect: &["ts", "level", "msg"],
        time: &["ts"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["msg"],
        trace_id: &["trace_id", "traceId", "traceID"],
        span_id: &["span_id", "spanId", "spanID"],
        ids: IdSpelling::Any,
        service: &["service.name", "service", "logger"],
        samples: &[
            r#"{"level":"error","ts":1793700000.123456,"caller":"pay/charge.go:42","msg":"charge failed","service":"payments","traceID":"c759f29f5f1e2162be56f32dd1e77fce"}"#,
        ],
    },
    Dialect {
        name: "logrus",
        detect: &["level", "msg", "time"],
        time: &["time"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["msg"],
        trace_id: &["trace_id", "traceId", "traceID"],
        span_id: &["span_id", "spanId", "spanID"],
        ids: IdSpelling::Any,
        service: &["service.name", "service"],
        samples: &[
            r#"{"level":"warning","msg":"slow query","time":"2026-11-03T10:00:05+01:00","table":"orders"}"#,
        ],
    },
    Dialect {
        name: "structlog",
        detect: &["event", "level"],
        time: &["timestamp", "time"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["event"],
        trace_id: &["trace_id", "traceId"],
        span_id: &["span_id", "spanId"],
        ids: IdSpelling::Any,
        service: &["service.name", "service", "logger"],
        samples: &[
            r#"{"event":"user logged in","level":"info","timestamp":"2026-11-03T10:00:06.5Z","user":"ana"}"#,
        ],
    },
    Dialect {
        name: "rust-tracing",
        detect: &["fields", "target", "level"],
        time: &["timestamp"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["fields.message", "message"],
        trace_id: &["trace_id", "span.trace_id", "fields.trace_id"],
        span_id: &["span_id", "span.span_id", "fields.span_id"],
        ids: IdSpelling::Any,
        service: &["service.name", "service"],
        samples: &[
            r#"{"timestamp":"2026-11-03T10:00:07.000001Z","level":"INFO","fields":{"message":"listening","port":8080},"target":"server"}"#,
        ],
    },
    Dialect {
        name: "journald",
        detect: &["__REALTIME_TIMESTAMP"],
        time: &["__REALTIME_TIMESTAMP"],
        level: &["PRIORITY"],
        level_numbers: LevelNumbers::Syslog,
        message: &["MESSAGE"],
        trace_id: &["TRACE_ID"],
        span_id: &["SPAN_ID"],
        ids: IdSpelling::Any,
        service: &["SYSLOG_IDENTIFIER", "_SYSTEMD_UNIT", "_COMM"],
        samples: &[
            r#"{"__REALTIME_TIMESTAMP":"1793700000123456","PRIORITY":"3","MESSAGE":"disk full","SYSLOG_IDENTIFIER":"backup","_PID":"811"}"#,
        ],
    },
    Dialect {
        name: "winston",
        detect: &["level", "message"],
        time: &["timestamp", "time"],
        level: &["level"],
        level_numbers: LevelNumbers::Pino,
        message: &["message"],
        trace_id: &["trace_id", "traceId", "traceID"],
        span_id: &["span_id", "spanId", "spanID"],
        ids: IdSpelling::Any,
        service: &["service.name", "service"],
        samples: &[
            r#"{"level":"error","message":"cart not found","service":"cart","timestamp":"2026-11-03T10:00:08.000Z","trace_id":"c759f29f5f1e2162be56f32dd1e77fce","span_id":"17c4a60ca4297cf1"}"#,
        ],
    },
    Dialect {
        name: "json",
        detect: &[],
        time: &[
            "time",
            "timestamp",
            "@timestamp",
            "ts",
            "t",
            "date",
            "datetime",
            "Timestamp",
            "eventTime",
            "asctime",
            "@t",
        ],
        level: &[
            "level",
            "severity",
            "log.level",
            "levelname",
            "lvl",
            "loglevel",
            "Level",
            "@l",
        ],
        level_numbers: LevelNumbers::Pino,
        message: &[
            "msg", "message", "@m", "event", "MESSAGE", "text", "Message", "log",
        ],
        trace_id: &[
            "trace_id",
            "traceId",
            "traceID",
            "trace.id",
            "otelTraceID",
            "@tr",
            "traceid",
            "dd.trace_id",
        ],
        span_id: &[
            "span_id",
            "spanId",
            "spanID",
            "span.id",
            "otelSpanID",
            "@sp",
            "spanid",
            "dd.span_id",
        ],
        ids: IdSpelling::Any,
        service: &[
            "service.name",
            "service",
            "serviceName",
            "service_name",
            "otelServiceName",
            "kubernetes.labels.app",
            "kubernetes.container_name",
            "app",
            "application",
        ],
        samples: &[
            r#"{"when":"2026-11-03T10:00:09Z","severity":"notice","text":"unknown shape","x":1}"#,
        ],
    },
];
