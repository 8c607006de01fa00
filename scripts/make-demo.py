#!/usr/bin/env python3
"""Writes the bundled demo incident to tests/fixtures/demo/ (deterministic).

The story: a web shop at 2026-11-03 10:00 UTC. Checkouts call payments, which
calls a card gateway and Postgres. From 10:01:00 the payments database pool runs
dry: payment calls time out, checkout answers 502, the frontend 500 — an error
cascade across four services. Logs of each span carry its ids (OpenTelemetry
log correlation); health checks carry none; a few lines name traces that were
sampled out (orphans) or spans that were not exported (trace-linked).

Files: traces.jsonl (OTLP/JSON, collector file-exporter style) and one log file
per service in the logger its language would use: pino (frontend, checkout:
Node), winston (payments: Node), Python logging JSON with OpenTelemetry ids
(inventory), zap (card-gateway: Go). Standard library only.
"""

import json
import os
import random
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "demo")
START_NS = 1_793_700_000_000_000_000  # 2026-11-03T10:00:00Z
MS = 1_000_000
rng = random.Random(7)


def hex_id(n_bytes):
    return "".join(f"{rng.randrange(256):02x}" for _ in range(n_bytes))


def attr(key, value):
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    return {"key": key, "value": {"stringValue": value}}


RESOURCES = {
    name: [attr("service.name", name), attr("service.version", version),
           attr("deployment.environment", "prod"), attr("host.name", f"{name}-7f9c{i}")]
    for i, (name, version) in enumerate([
        ("frontend", "2.14.0"), ("checkout", "1.8.3"), ("payments", "3.2.1"),
        ("inventory", "0.9.7"), ("card-gateway", "5.0.0")])
}

spans_by_service = {name: [] for name in RESOURCES}
logs_by_service = {name: [] for name in RESOURCES}


def span(service, trace_id, parent, name, kind, start, duration, attrs, error=None, events=()):
    span_id = hex_id(8)
    record = {
        "traceId": trace_id, "spanId": span_id, "name": name, "kind": kind,
        "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + duration),
        "attributes": attrs, "status": {"code": 2, "message": error} if error else {},
    }
    if parent:
        record["parentSpanId"] = parent
    if events:
        record["events"] = list(events)
    spans_by_service[service].append(record)
    return span_id


def log(service, time_ns, severity, text, body, trace_id="", span_id="", attrs=()):
    record = {
        "timeUnixNano": str(time_ns), "severityNumber": severity, "severityText": text,
        "body": {"stringValue": body}, "attributes": list(attrs),
    }
    if trace_id:
        record["traceId"] = trace_id
    if span_id:
        record["spanId"] = span_id
    logs_by_service[service].append(record)


def checkout(t, failing):
    trace_id = hex_id(16)
    order = f"ord-{rng.randrange(10**6):06d}"
    total = (2000 + rng.randrange(400)) * MS if failing else rng.randrange(40, 320) * MS
    fe = span("frontend", trace_id, None, "POST /api/checkout", 2, t, total + 6 * MS,
              [attr("http.method", "POST"), attr("http.route", "/api/checkout"),
               attr("http.status_code", 500 if failing else 200), attr("order.id", order)],
              error="HTTP 500" if failing else None)
    log("frontend", t + MS, 9, "INFO", f"checkout started for {order}", trace_id, fe,
        [attr("user.id", f"u{rng.randrange(5000)}")])
    co = span("checkout", trace_id, fe, "PlaceOrder", 2, t + 2 * MS, total,
              [attr("rpc.system", "grpc"), attr("order.id", order)],
              error="payment failed: upstream timeout" if failing else None)
    log("checkout", t + 3 * MS, 9, "INFO", f"placing order {order}", trace_id, co)
    inv = span("inventory", trace_id, co, "ReserveItems", 2, t + 4 * MS, 18 * MS,
               [attr("items.count", rng.randrange(1, 6))])
    log("inventory", t + 6 * MS, 5, "DEBUG", "reserved items", trace_id, inv)
    pay_start = t + 24 * MS
    pay_duration = total - 30 * MS
    events = []
    if failing:
        events.append({"timeUnixNano": str(pay_start + pay_duration), "name": "exception",
                       "attributes": [attr("exception.type", "PoolTimeoutError"),
                                      attr("exception.message", "timeout acquiring connection after 2000ms")]})
    pay = span("payments", trace_id, co, "POST /v1/charges", 2, pay_start, pay_duration,
               [attr("http.method", "POST"), attr("http.status_code", 504 if failing else 201),
                attr("payment.amount_cents", rng.randrange(500, 90000))],
               error="timeout acquiring connection" if failing else None, events=events)
    if failing:
        log("payments", pay_start + MS, 13, "WARN", "db pool exhausted: 20/20 connections busy, 37 waiting",
            trace_id, pay, [attr("db.pool.waiting", 37)])
        log("payments", pay_start + pay_duration, 17, "ERROR",
            "PoolTimeoutError: timeout acquiring connection after 2000ms\n"
            "    at Pool.acquire (/app/node_modules/pg-pool/index.js:45:11)\n"
            "    at ChargeService.create (/app/src/charges.ts:88:20)",
            trace_id, pay, [attr("error.type", "PoolTimeoutError")])
        log("checkout", t + total - MS, 17, "ERROR", f"payment for {order} failed: upstream timeout (504)",
            trace_id, co)
        log("frontend", t + total + 5 * MS, 17, "ERROR", "POST /api/checkout -> 500", trace_id, fe)
    else:
        db = span("payments", trace_id, pay, "INSERT charges", 3, pay_start + 3 * MS, pay_duration // 3,
                  [attr("db.system", "postgresql"), attr("db.statement", "INSERT INTO charges (order_id, amount) VALUES ($1, $2)")])
        gw = span("card-gateway", trace_id, pay, "Authorize", 2, pay_start + pay_duration // 2, pay_duration // 3,
                  [attr("card.network", rng.choice(["visa", "mastercard", "amex"]))])
        log("card-gateway", pay_start + pay_duration // 2 + MS, 9, "INFO", "authorization approved", trace_id, gw)
        log("payments", pay_start + 4 * MS, 5, "DEBUG", "charge row inserted", trace_id, db)
        log("payments", pay_start + pay_duration - MS, 9, "INFO", f"charge created for {order}", trace_id, pay)
        log("frontend", t + total + 5 * MS, 9, "INFO", "POST /api/checkout -> 200", trace_id, fe)


PINO_LEVELS = {5: 20, 9: 30, 13: 40, 17: 50}
WORDS = {5: "debug", 9: "info", 13: "warn", 17: "error"}


def iso(ns):
    seconds, nanos = divmod(ns, 1_000_000_000)
    import time as _time
    return _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(seconds)) + f".{nanos // 1_000_000:03d}Z"


def fields(record):
    return {a["key"]: next(iter(a["value"].values())) for a in record["attributes"]}


def pino(service, record):
    line = {"level": PINO_LEVELS[record["severityNumber"]], "time": int(record["timeUnixNano"]) // MS,
            "pid": 4242, "hostname": f"{service}-7f9c", "name": service}
    if "traceId" in record:
        line.update({"trace_id": record["traceId"], "span_id": record["spanId"], "trace_flags": "01"})
    line.update(fields(record))
    body = record["body"]["stringValue"]
    if "\n" in body:
        message, stack = body.split("\n", 1)
        line["err"] = {"type": message.split(":")[0], "message": message, "stack": body}
    line["msg"] = body.split("\n", 1)[0]
    return line


def winston(service, record):
    line = {"level": WORDS[record["severityNumber"]], "message": record["body"]["stringValue"],
            "service": service, "timestamp": iso(int(record["timeUnixNano"]))}
    if "traceId" in record:
        line.update({"trace_id": record["traceId"], "span_id": record["spanId"], "trace_flags": "01"})
    line.update(fields(record))
    return line


def python_json(service, record):
    line = {"asctime": iso(int(record["timeUnixNano"])), "levelname": WORDS[record["severityNumber"]].upper(),
            "name": "inventory.reservations", "message": record["body"]["stringValue"],
            "otelServiceName": service}
    if "traceId" in record:
        line.update({"otelTraceID": record["traceId"], "otelSpanID": record["spanId"], "otelTraceSampled": True})
    line.update(fields(record))
    return line


def zap(service, record):
    line = {"level": WORDS[record["severityNumber"]], "ts": int(record["timeUnixNano"]) / 1e9,
            "caller": "gateway/authorize.go:88", "msg": record["body"]["stringValue"], "service": service}
    if "traceId" in record:
        line.update({"traceID": record["traceId"], "spanID": record["spanId"]})
    line.update(fields(record))
    return line


LOGGERS = {"frontend": pino, "checkout": pino, "payments": winston, "inventory": python_json,
           "card-gateway": zap}


def main():
    os.makedirs(OUT, exist_ok=True)
    for second in range(0, 120, 3):
        t = START_NS + second * 1_000_000_000 + rng.randrange(900) * MS
        checkout(t, failing=second >= 60 and rng.random() < 0.7)
        log("checkout", t + 500 * MS, 5, "DEBUG", "GET /healthz 200")
        log("payments", t + 700 * MS, 9, "INFO",
            f"pool stats: total=20 idle={0 if second >= 60 else rng.randrange(4, 15)} waiting={rng.randrange(20, 40) if second >= 60 else 0}")
    # Lines of traces that were sampled out (orphans), and of a span not exported (trace-linked).
    for i in range(3):
        log("payments", START_NS + (65 + i) * 1_000_000_000, 17, "ERROR",
            "timeout acquiring connection after 2000ms", hex_id(16), hex_id(8))
    some_trace = spans_by_service["checkout"][5]["traceId"]
    log("checkout", int(spans_by_service["checkout"][5]["startTimeUnixNano"]) + 9 * MS, 9, "INFO",
        "cache lookup for cart", some_trace, hex_id(8))

    with open(os.path.join(OUT, "traces.jsonl"), "w") as out:
        for service, spans in spans_by_service.items():
            for at in range(0, len(spans), 40):
                request = {"resourceSpans": [{"resource": {"attributes": RESOURCES[service]},
                           "scopeSpans": [{"scope": {"name": "@opentelemetry/instrumentation-http", "version": "0.52.0"},
                                           "spans": spans[at:at + 40]}]}]}
                out.write(json.dumps(request, separators=(",", ":")) + "\n")
    for service, logs in logs_by_service.items():
        logs.sort(key=lambda record: int(record["timeUnixNano"]))
        writer = LOGGERS[service]
        with open(os.path.join(OUT, f"{service}.log"), "w") as out:
            for record in logs:
                out.write(json.dumps(writer(service, record), separators=(",", ":"), ensure_ascii=False) + "\n")
    stale = os.path.join(OUT, "logs.jsonl")
    if os.path.exists(stale):
        os.remove(stale)
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
