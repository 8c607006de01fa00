"""`weft export --format otlp-proto` is readable by the official `opentelemetry-proto`
Python package: the demo case is exported, each length-prefixed message of the file
is decoded with `trace_service_pb2` / `logs_service_pb2`, and the spans and logs
counted against `weft stats --json`.

Run by `make otel-test` (the venv of `make deps-otel`); WEFT is the weft binary
(default target/debug/weft).
"""

import json
import os
import struct
import subprocess
import tempfile
import unittest
from pathlib import Path

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

ROOT = Path(__file__).resolve().parents[2]
WEFT = os.environ.get("WEFT", str(ROOT / "target" / "debug" / "weft"))


def weft(case, *args):
    return subprocess.run(
        [WEFT, "--case", str(case), *args], check=True, capture_output=True, text=True
    ).stdout


def messages(path):
    """The messages of a file in the Collector file exporter's protobuf framing."""
    data = Path(path).read_bytes()
    at = 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        yield data[at + 4 : at + 4 + length]
        at += 4 + length
    assert at == len(data), "the file ends inside a message"


def decode(message):
    """A message as a trace request when it holds spans, else as a logs request."""
    try:
        traces = trace_service_pb2.ExportTraceServiceRequest.FromString(message)
        if any(scope.spans for block in traces.resource_spans for scope in block.scope_spans):
            return traces, None
    except DecodeError:
        pass
    return None, logs_service_pb2.ExportLogsServiceRequest.FromString(message)


class ExportDecode(unittest.TestCase):
    def test_the_demo_export_decodes_with_the_official_package(self):
        with tempfile.TemporaryDirectory() as tmp:
            case = Path(tmp) / "case.weft"
            weft(case, "ingest", str(ROOT / "tests" / "fixtures" / "demo"))
            stats = json.loads(weft(case, "--json", "stats"))
            out = Path(tmp) / "demo.binpb"
            weft(case, "export", "--format", "otlp-proto", "-o", str(out))
            spans, logs, span_ids, services = 0, 0, set(), set()
            for message in messages(out):
                traces, log_request = decode(message)
                if traces is not None:
                    for block in traces.resource_spans:
                        for kv in block.resource.attributes:
                            if kv.key == "service.name":
                                services.add(kv.value.string_value)
                        for scope in block.scope_spans:
                            for span in scope.spans:
                                self.assertEqual(len(span.trace_id), 16)
                                self.assertEqual(len(span.span_id), 8)
                                self.assertLessEqual(span.start_time_unix_nano, span.end_time_unix_nano)
                                span_ids.add((span.trace_id, span.span_id))
                                spans += 1
                else:
                    for block in log_request.resource_logs:
                        for scope in block.scope_logs:
                            logs += len(scope.log_records)
            self.assertEqual(spans, stats["spans"])
            self.assertEqual(len(span_ids), stats["spans"])
            self.assertEqual(logs, stats["logs"])
            self.assertEqual(services, {service["name"] for service in stats["services"] if service["spans"]})


if __name__ == "__main__":
    unittest.main()
