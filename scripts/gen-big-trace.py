#!/usr/bin/env python3
"""One very large trace for measuring the app (scripts/measure-app.mjs).

Writes OUT/big-trace.jsonl (OTLP/JSON Lines: one ExportTraceServiceRequest per line,
a batch of spans per line grouped by service) holding ONE trace of SPANS spans
(default 100 000; past about 235 000 every span gets another round of children): a tree over 8 services (HTTP server spans calling other services,
DB and internal spans below them, up to 13 levels deep), about 2% of spans in error,
and OUT/big-trace-logs.ndjson: pino lines linked to spans of the trace (about one per
five spans, error lines for the failing spans). Deterministic for a given --seed.

    python3 scripts/gen-big-trace.py --out bench-data/big-trace --spans 100000
"""
import argparse
import json
import os
import random

BASE_NS = 1_793_700_000_000_000_000
SERVICES = ["frontend", "api-gateway", "checkout", "cart", "payment", "inventory", "shipping", "email"]
TABLES = ["orders", "order_items", "users", "sessions", "products", "stock", "payments"]
OPS = ["validate", "computeTotals", "serialize", "cache.get", "cache.set", "applyDiscounts", "enrich"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    trace_id = "%032x" % rnd.getrandbits(128)

    # Each span: [span_id, parent_id, service, name, kind, start, end, error, depth]
    root = ["%016x" % rnd.getrandbits(64), None, "frontend", "POST /api/checkout/bulk", 2,
            BASE_NS, BASE_NS + 120 * 1_000_000_000, False, 0]
    spans = [root]
    queue = [0]
    head = 0
    while len(spans) < args.spans:
        if head == len(queue):
            # The tree ran out (it holds about 235 000 spans): another round of children
            # for every span so far, so any --spans is reached (1M for measure-app).
            head = 0
        parent = spans[queue[head]]
        head += 1
        depth = parent[8]
        # Wide near the top, narrower below, so the tree is both deep and bushy.
        children = rnd.randint(2, 6) if depth < 6 else rnd.randint(0, 3)
        if depth >= 12:
            children = 0
        start, end = parent[5], parent[6]
        width = max(1, end - start)
        cursor = start + width // 50
        for _ in range(children):
            if len(spans) >= args.spans:
                break
            length = max(1000, int(width * rnd.uniform(0.05, 0.4)))
            c_start = min(cursor, end - 1000)
            c_end = min(end, c_start + length)
            cursor = c_start + length // 2 + rnd.randint(0, max(1, width // 20))
            roll = rnd.random()
            if roll < 0.45:
                service = rnd.choice(SERVICES[1:])
                name = "%s %s" % (rnd.choice(["GET", "POST", "PUT"]), "/api/v1/%s/%s" % (service, rnd.choice(OPS)))
                kind = 2
            elif roll < 0.75:
                service = parent[2]
                table = rnd.choice(TABLES)
                name = "%s %s" % (rnd.choice(["SELECT", "INSERT", "UPDATE"]), table)
                kind = 3
            else:
                service = parent[2]
                name = rnd.choice(OPS)
                kind = 1
            error = rnd.random() < 0.02
            spans.append(["%016x" % rnd.getrandbits(64), parent[0], service, name, kind, c_start, c_end, error, depth + 1])
            queue.append(len(spans) - 1)

    by_service = {}
    for span in spans:
        by_service.setdefault(span[2], []).append(span)
    trace_path = os.path.join(args.out, "big-trace.jsonl")
    with open(trace_path, "w") as out:
        for service, items in by_service.items():
            for offset in range(0, len(items), 5000):
                batch = []
                for span_id, parent_id, _, name, kind, start, end, error, _ in items[offset:offset + 5000]:
                    record = {"traceId": trace_id, "spanId": span_id, "name": name, "kind": kind,
                              "startTimeUnixNano": str(start), "endTimeUnixNano": str(end),
                              "attributes": [{"key": "weft.bench", "value": {"boolValue": True}}],
                              "status": {"code": 2, "message": "upstream failed"} if error else {}}
                    if parent_id:
                        record["parentSpanId"] = parent_id
                    batch.append(record)
                resource = {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]}
                request = {"resourceSpans": [{"resource": resource, "scopeSpans": [
                    {"scope": {"name": "bench"}, "spans": batch}]}]}
                out.write(json.dumps(request, separators=(",", ":")) + "\n")

    logs_path = os.path.join(args.out, "big-trace-logs.ndjson")
    lines = 0
    with open(logs_path, "w") as out:
        for span_id, _, service, name, _, start, end, error, _ in spans:
            if not error and rnd.random() > 0.2:
                continue
            level = 50 if error else rnd.choice([20, 30, 30, 30, 40])
            msg = ("%s failed: upstream failed" % name) if error else ("%s done" % name)
            out.write(json.dumps({"level": level, "time": (start + (end - start) // 2) // 1_000_000,
                                  "name": service, "trace_id": trace_id, "span_id": span_id,
                                  "msg": msg}, separators=(",", ":")) + "\n")
            lines += 1
    errors = sum(1 for span in spans if span[7])
    depth = max(span[8] for span in spans)
    print(json.dumps({"trace_id": trace_id, "spans": len(spans), "errors": errors, "depth": depth,
                      "logs": lines, "traces_file": trace_path, "logs_file": logs_path}))


if __name__ == "__main__":
    main()
