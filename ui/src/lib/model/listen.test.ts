import { describe, expect, it } from 'vitest';
import { DEFAULT_GRPC, DEFAULT_HTTP, httpEndpoint, isLoopback, readAddress, readAddresses } from './listen';

describe('isLoopback', () => {
  it('knows 127.0.0.0/8, ::1 and localhost and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LocalHost']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.1', '128.0.0.1', '127.0.0.256', '::', 'example.com', '127.0.0.1.nip.io']) {
      expect(isLoopback(host)).toBe(false);
    }
  });
});

describe('readAddress', () => {
  it('takes host:port, [v6]:port, :port and a bare port', () => {
    expect(readAddress(DEFAULT_HTTP, 'HTTP')).toEqual({ ok: true, address: '127.0.0.1:4318' });
    expect(readAddress(' [::1]:4317 ', 'gRPC')).toEqual({ ok: true, address: '[::1]:4317' });
    expect(readAddress(':5000', 'HTTP')).toEqual({ ok: true, address: '127.0.0.1:5000' });
    expect(readAddress('5000', 'HTTP')).toEqual({ ok: true, address: '127.0.0.1:5000' });
    expect(readAddress('localhost:0', 'HTTP')).toEqual({ ok: true, address: '127.0.0.1:0' });
    expect(readAddress('127.0.0.1:04318', 'HTTP')).toEqual({ ok: true, address: '127.0.0.1:4318' });
  });

  it('reads an empty field as that protocol off', () => {
    expect(readAddress('  ', 'gRPC')).toEqual({ ok: true, address: null });
  });

  it('says what is wrong, naming the protocol', () => {
    const message = (text: string) => {
      const read = readAddress(text, 'HTTP');
      return read.ok ? null : read.message;
    };
    expect(message('127.0.0.1')).toBe('HTTP: `127.0.0.1` has no port (host:port, e.g. 127.0.0.1:4318)');
    expect(message('127.0.0.1:70000')).toBe('HTTP: `70000` is not a port (0–65535)');
    expect(message('127.0.0.1:http')).toBe('HTTP: `http` is not a port (0–65535)');
    expect(message('0.0.0.0:4318')).toContain('0.0.0.0 is not a loopback address');
    expect(message('::1:4318')).toBe('HTTP: write an IPv6 address in brackets, as [::1]:4318');
  });
});

describe('readAddresses', () => {
  it('needs one of the two, and two different ones', () => {
    expect(readAddresses(DEFAULT_HTTP, DEFAULT_GRPC)).toEqual({ ok: true, http: '127.0.0.1:4318', grpc: '127.0.0.1:4317' });
    expect(readAddresses('', DEFAULT_GRPC)).toEqual({ ok: true, http: null, grpc: '127.0.0.1:4317' });
    expect(readAddresses('', '')).toEqual({ ok: false, message: 'Give an HTTP or a gRPC address to listen on' });
    expect(readAddresses('localhost:4318', '127.0.0.1:4318')).toEqual({ ok: false, message: 'HTTP and gRPC cannot share 127.0.0.1:4318' });
    expect(readAddresses(':0', ':0')).toEqual({ ok: true, http: '127.0.0.1:0', grpc: '127.0.0.1:0' });
    expect(readAddresses('x', DEFAULT_GRPC).ok).toBe(false);
    expect(readAddresses(DEFAULT_HTTP, '10.1.1.1:4317')).toMatchObject({ ok: false });
  });
});

describe('httpEndpoint', () => {
  it('is the URL an SDK exports to', () => {
    expect(httpEndpoint('127.0.0.1:4318')).toBe('http://127.0.0.1:4318');
    expect(httpEndpoint('[::1]:4318')).toBe('http://[::1]:4318');
  });
});
