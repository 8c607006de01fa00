// Writes tests/fixtures/issue23/'s two files (hand-written data, ours; see ../SOURCES.md):
// `checkout.log`, pino JSON Lines of a failing checkout: a PoolTimeoutError whose
// message is a multi-line stack trace, a 50 KB one-line message, a 20 KB attribute
// value, ANSI colours, control, bidirectional and zero-width characters, emoji and
// CJK; and `checkout-trace.json`, the OTLP/JSON trace those lines belong to, whose
// span names and attributes hold the same kinds of text.
//
// usage: node scripts/make-issue23-fixture.mjs   (rewrites the two files)

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures', 'issue23');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT_SPAN = '00f067aa0ba902b7';
const DB_SPAN = '00f067aa0ba902b8';
const T0_MS = 1_793_700_600_000; // ten minutes after the hostile payloads of tests/e2e/hostile.test.mjs

const stack = [
  'PoolTimeoutError: timed out after 5000 ms waiting for a connection from pool "orders-primary" (size 10, busy 10, waiting 37)',
  '    at Pool.acquire (/app/src/db/pool.js:88:13)',
  '    at async OrderRepository.reserve (/app/src/orders/repository.js:142:20)',
  '    at async CheckoutService.placeOrder (/app/src/checkout/service.js:61:9)',
  '    at async handler (/app/src/routes/checkout.js:27:5)',
  '    at async Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)',
  '    at async next (/app/node_modules/express/lib/router/route.js:149:13)',
  '    at async Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)',
  'Caused by: Error: connect ETIMEDOUT 10.0.3.17:5432',
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
].join('\n');

/** A 50 KB message on one line: a request dump of comma-separated items. */
function bigLine() {
  const items = [];
  for (let n = 0; items.join(',').length < 50 * 1024; n += 1) items.push(`{"sku":"SKU-${String(n).padStart(5, '0')}","qty":${(n % 7) + 1}}`);
  return `cart payload rejected: [${items.join(',')}] END-OF-PAYLOAD`;
}

/** A 20 KB attribute value: a base64-looking token. */
function bigValue() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let n = 0; out.length < 20 * 1024; n += 1) out += alphabet[(n * 7 + (n >> 3)) % 64];
  return `${out}==`;
}

const lines = [
  { level: 30, msg: 'checkout started for cart 8812', span_id: ROOT_SPAN },
  { level: 50, msg: stack, span_id: DB_SPAN, err: { type: 'PoolTimeoutError', pool: 'orders-primary' } },
  { level: 40, msg: bigLine(), span_id: ROOT_SPAN },
  { level: 30, msg: 'session token attached', span_id: ROOT_SPAN, token: bigValue() },
  { level: 30, msg: '\u001b[32mGET\u001b[0m /api/cart \u001b[1;31m502\u001b[0m in \u001b[33m5012ms\u001b[0m', span_id: ROOT_SPAN },
  { level: 40, msg: 'uploaded attachment evil\u202Eexe.txt from user\u200B admin\u2060 (bom \uFEFF)', span_id: ROOT_SPAN, file: 'evil\u202Eexe.txt' },
  { level: 40, msg: 'terminal bell \u0007, nul \u0000, delete \u007F and C1 \u009B in a log line', span_id: ROOT_SPAN },
  { level: 30, msg: 'order confirmed ✅ 🛒 for 山田太郎 (注文番号 8812) — 👩‍💻 on call', span_id: ROOT_SPAN, customer: '山田太郎' },
  { level: 30, msg: 'retry plan:\n  1. wait 250 ms\n  2. acquire again\n  3. give up after 3 tries', span_id: DB_SPAN },
].map((line, at) => JSON.stringify({ time: T0_MS + at * 7, pid: 4242, hostname: 'checkout-7d9f', name: 'checkout', trace_id: TRACE, ...line }));
writeFileSync(join(here, 'checkout.log'), `${lines.join('\n')}\n`);

const str = (value) => ({ stringValue: value });
const ns = (ms) => String(BigInt(T0_MS + ms) * 1_000_000n);
const trace = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: str('checkout') }] },
      scopeSpans: [
        {
          scope: { name: 'checkout-instrumentation' },
          spans: [
            {
              traceId: TRACE, spanId: ROOT_SPAN, name: 'POST /api/checkout 🛒', kind: 2,
              startTimeUnixNano: ns(0), endTimeUnixNano: ns(80),
              attributes: [
                { key: 'http.route', value: str('/api/checkout') },
                { key: 'upload.name', value: str('evil\u202Eexe.txt') },
                { key: 'session.token', value: str(bigValue()) },
                { key: 'user.name', value: str('山田太郎') },
                { key: 'banner', value: str('\u001b[1;33mWARN\u001b[0m beep\u0007') },
              ],
              status: { code: 2, message: 'PoolTimeoutError' },
            },
            {
              traceId: TRACE, spanId: DB_SPAN, parentSpanId: ROOT_SPAN, name: 'pool.acquire orders\u200B-primary', kind: 3,
              startTimeUnixNano: ns(2), endTimeUnixNano: ns(70),
              attributes: [{ key: 'db.system', value: str('postgresql') }],
              status: { code: 2, message: stack.split('\n')[0] },
            },
          ],
        },
      ],
    },
  ],
};
writeFileSync(join(here, 'checkout-trace.json'), `${JSON.stringify(trace, null, 1)}\n`);
