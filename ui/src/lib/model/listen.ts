// The Listen switch's addresses (issue 20): what the popover's fields accept, read
// before the shell is asked. The window listens on loopback only (the shell refuses
// any other address too): `weft receive --http 0.0.0.0:4318` is the way to take
// telemetry from other machines, with its warning.

/** The OTLP ports by convention: HTTP 4318, gRPC 4317. */
export const DEFAULT_HTTP = '127.0.0.1:4318';
export const DEFAULT_GRPC = '127.0.0.1:4317';

/** A field read: the address to send to the shell (null: that protocol stays off), or why not. */
export type AddressRead = { ok: true; address: string | null } | { ok: false; message: string };

const LOOPBACK_V4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Whether `host` (without brackets) is a loopback host: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const v4 = LOOPBACK_V4.exec(host);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
  return host === '::1' || host.toLowerCase() === 'localhost';
}

/**
 * Reads one address field: `host:port`, `[::1]:port`, or `:port` / a bare port (on
 * 127.0.0.1). Empty means that protocol is off. `localhost` becomes 127.0.0.1 (the
 * shell takes IP addresses only). Port 0 asks the system for a free port.
 */
export function readAddress(text: string, protocol: 'HTTP' | 'gRPC'): AddressRead {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, address: null };
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? '';
  } else if (/^\d+$/.test(trimmed)) {
    host = '127.0.0.1';
    portText = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    if (colon < 0) return { ok: false, message: `${protocol}: \`${trimmed}\` has no port (host:port, e.g. ${protocol === 'HTTP' ? DEFAULT_HTTP : DEFAULT_GRPC})` };
    host = trimmed.slice(0, colon) || '127.0.0.1';
    portText = trimmed.slice(colon + 1);
    if (host.includes(':')) return { ok: false, message: `${protocol}: write an IPv6 address in brackets, as [::1]:${portText}` };
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return { ok: false, message: `${protocol}: \`${portText}\` is not a port (0–65535)` };
  }
  if (!isLoopback(host)) {
    return { ok: false, message: `${protocol}: ${host} is not a loopback address; the window listens on this machine only (127.0.0.1, ::1)` };
  }
  const ip = host.toLowerCase() === 'localhost' ? '127.0.0.1' : host;
  return { ok: true, address: ip.includes(':') ? `[${ip}]:${Number(portText)}` : `${ip}:${Number(portText)}` };
}

/** Both fields read: the addresses to listen on, or the first problem. At least one is needed. */
export function readAddresses(
  http: string,
  grpc: string,
): { ok: true; http: string | null; grpc: string | null } | { ok: false; message: string } {
  const httpRead = readAddress(http, 'HTTP');
  if (!httpRead.ok) return httpRead;
  const grpcRead = readAddress(grpc, 'gRPC');
  if (!grpcRead.ok) return grpcRead;
  if (httpRead.address === null && grpcRead.address === null) {
    return { ok: false, message: 'Give an HTTP or a gRPC address to listen on' };
  }
  if (httpRead.address !== null && httpRead.address === grpcRead.address && !httpRead.address.endsWith(':0')) {
    return { ok: false, message: `HTTP and gRPC cannot share ${httpRead.address}` };
  }
  return { ok: true, http: httpRead.address, grpc: grpcRead.address };
}

/** The OTLP/HTTP endpoint URL an SDK is pointed at (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
export function httpEndpoint(address: string): string {
  return `http://${address}`;
}
