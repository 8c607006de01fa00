"""The OpenTelemetry Python SDK (a client nobody here wrote) exports to `weft receive`.

Each test starts the real `weft receive` on free ports with a temporary case,
exports spans through the SDK's BatchSpanProcessor and logs through its
LoggerProvider (inside the spans, so they carry trace context and join), over
OTLP/HTTP protobuf or OTLP/gRPC, shuts the providers down (which flushes),
stops the receiver as Ctrl-C would, and checks with `weft traces/trace/logs/stats
--json` that the case holds exactly what was sent.

Run by `make otel-test` (in `make test`) with target/otel-venv's Python; the weft
binary is $WEFT_BIN, or target/debug/weft.
"""

import json
import os
import signal
import subprocess
import tempfile
import unittest
from pathlib import Path

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

ROOT = Path(__file__).resolve().parents[2]
WEFT = os.environ.get("WEFT_BIN", str(ROOT / "target" / "debug" / "weft"))


class Receiver:
    """`weft receive` on free loopback ports, into a case of its own."""

    def __init__(self, case):
        self.case = case
        self.process = subprocess.Popen(
            [WEFT, "--case", case, "--json", "receive",
             "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0"],
            stdout=subprocess.PIPE, text=True)
        listening = json.loads(self.process.stdout.readline())["listening"]
        self.http = listening["http"]
        self.grpc = listening["grpc"]

    def stop(self):
        """SIGINT, as Ctrl-C; its last line is what it received."""
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=60)
        if self.process.returncode != 0:
            raise AssertionError(f"weft receive exited with {self.process.returncode}")
        return json.loads(out.strip().splitlines()[-1])["received"]


def weft_json(case, *args):
    output = subprocess.run([WEFT, "--case", case, "--json", *args],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def weft_json_lines(case, *args):
    output = subprocess.run([WEFT, "--case", case, "--json", *args],
                            check=True, capture_output=True, text=True).stdout
    text = output.strip()
    return json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines()]


class PythonSdkToWeftReceive(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.case = os.path.join(self.dir.name, "case.weft")
        self.receiver = Receiver(self.case)

    def tearDown(self):
        if self.receiver.process.poll() is None:
            self.receiver.process.kill()
            self.receiver.process.wait()
        self.dir.cleanup()

    def export(self, service, span_exporter, log_exporter):
        """Three traces of a checkout (root, two children, one failing) with a log
        inside each child; returns what was sent, by span id."""
        resource = Resource.create({"service.name": service, "deployment.environment": "test"})
        tracer_provider = TracerProvider(resource=resource)
        tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
        logger_provider = LoggerProvider(resource=resource)
        logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
        tracer = tracer_provider.get_tracer("shop.checkout", "1.2.3")
        logger = logger_provider.get_logger("shop.checkout")
        sent = {}
        for order in range(3):
            with tracer.start_as_current_span("checkout", kind=SpanKind.SERVER,
                                              attributes={"order.id": order}) as root:
                for step in ("reserve", "pay"):
                    with tracer.start_as_current_span(step, attributes={"step": step}) as child:
                        failed = step == "pay" and order == 2
                        logger.emit(body=f"{step} for order {order}",
                                    severity_number=SeverityNumber.ERROR if failed else SeverityNumber.INFO,
                                    attributes={"order.id": order})
                        if failed:
                            child.set_status(Status(StatusCode.ERROR, "card declined"))
                        context = child.get_span_context()
                        sent[format(context.span_id, "016x")] = {
                            "trace_id": format(context.trace_id, "032x"),
                            "name": step,
                            "parent": format(root.get_span_context().span_id, "016x"),
                            "error": failed,
                        }
                context = root.get_span_context()
                sent[format(context.span_id, "016x")] = {
                    "trace_id": format(context.trace_id, "032x"),
                    "name": "checkout", "parent": None, "error": False,
                }
        tracer_provider.shutdown()
        logger_provider.shutdown()
        return sent

    def check_case(self, service, sent, received):
        self.assertEqual(received["spans"], 9)
        self.assertEqual(received["logs"], 6)
        self.assertEqual(received["rejected"], 0)
        self.assertEqual(received["refused"], 0)

        stats = weft_json(self.case, "stats")
        self.assertEqual((stats["traces"], stats["spans"], stats["logs"]), (3, 9, 6))
        self.assertEqual(stats["logs_span_linked"], 6)
        self.assertEqual(stats["error_spans"], 1)

        traces = weft_json_lines(self.case, "traces")
        self.assertEqual(sorted(t["trace_id"] for t in traces),
                         sorted({s["trace_id"] for s in sent.values()}))
        for summary in traces:
            self.assertEqual((summary["root_service"], summary["root_name"]), (service, "checkout"))
            trace = weft_json(self.case, "trace", summary["trace_id"])
            for span in trace["spans"]:
                expected = sent[span["span_id"]]
                self.assertEqual(span["name"], expected["name"])
                self.assertEqual(span["parent_span_id"], expected["parent"])
                self.assertEqual(span["service"], service)
                self.assertEqual(span["status"] == "error", expected["error"])
                if span["name"] != "checkout":
                    self.assertEqual(span["attributes"]["step"], span["name"])
                    # The log written inside this span is joined to it.
                    self.assertEqual([log["body"] for log in span["logs"]],
                                     [f"{span['name']} for order {span['logs'][0]['attributes']['order.id']}"])
                else:
                    self.assertIn("order.id", span["attributes"])
            self.assertEqual(len(trace["spans"]), 3)

        logs = weft_json_lines(self.case, "logs")
        self.assertEqual(len(logs), 6)
        for log in logs:
            self.assertEqual(log["link"], "span")
            self.assertEqual(sent[log["span_id"]]["trace_id"], log["trace_id"])
            self.assertEqual(log["service"], service)

        sources = weft_json_lines(self.case, "sources")
        self.assertEqual(len(sources), 1)
        self.assertEqual(sources[0]["status"], "complete")
        self.assertEqual((sources[0]["spans"], sources[0]["logs"]), (9, 6))
        return sources[0]

    def test_http_protobuf(self):
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        base = f"http://{self.receiver.http}"
        sent = self.export("py-http",
                           OTLPSpanExporter(endpoint=f"{base}/v1/traces"),
                           OTLPLogExporter(endpoint=f"{base}/v1/logs"))
        source = self.check_case("py-http", sent, self.receiver.stop())
        self.assertEqual(source["format"], "otlp-http")
        self.assertEqual(source["path"], "otlp-http://127.0.0.1")

    def test_grpc(self):
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        endpoint = f"http://{self.receiver.grpc}"
        sent = self.export("py-grpc",
                           OTLPSpanExporter(endpoint=endpoint, insecure=True),
                           OTLPLogExporter(endpoint=endpoint, insecure=True))
        source = self.check_case("py-grpc", sent, self.receiver.stop())
        self.assertEqual(source["format"], "otlp-grpc")


if __name__ == "__main__":
    unittest.main()
