import { describe, expect, it } from 'vitest';
import { axisUnit, barExtent, barPlacement, labelSide, niceStep, ticks, zoomWindow } from './timeAxis';

describe('timeAxis', () => {
  it('rounds steps up to 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.5, 3, 7, 12, 4_000_000].map(niceStep)).toEqual([1, 1, 2, 5, 10, 20, 5_000_000]);
  });

  it('ticks a 1.234 s trace on a 900 px axis every 200 ms', () => {
    const got = ticks(1_234_000_000, 900);
    expect(got.map((tick) => tick.label)).toEqual([
      '0', '0.2s', '0.4s', '0.6s', '0.8s', '1.0s', '1.2s',
    ]);
    expect(got[1]!.fraction).toBeCloseTo(200 / 1234);
    expect(got.every((tick) => tick.fraction <= 1)).toBe(true);
  });

  it('labels a 100 s trace in whole seconds, never mixing "50.000s" and "1m 40.0s"', () => {
    expect(ticks(100e9, 600).map((tick) => tick.label)).toEqual(['0', '20s', '40s', '60s', '80s', '100s']);
  });

  it('labels every tick of an axis in one unit and precision', () => {
    for (const [durationNs, fromNs] of [[1_234_000_000, 0], [3_500_000, 0], [42_000, 0], [80e6, 50e9], [2e9, 0]] as const) {
      const labels = ticks(durationNs, 900, 90, fromNs).map((tick) => tick.label).filter((label) => label !== '0');
      const units = new Set(labels.map((label) => label.replace(/^[\d.]+/, '')));
      const decimals = new Set(labels.map((label) => (label.split('.')[1] ?? '').replace(/\D+$/, '').length));
      expect(units.size, labels.join(' ')).toBe(1);
      expect(decimals.size, labels.join(' ')).toBe(1);
    }
  });

  it('picks the unit from the furthest tick and the decimals from the step', () => {
    expect(axisUnit(200e6, 1.2e9)).toEqual({ unit: 's', decimals: 1 });
    expect(axisUnit(50e6, 1.2e9)).toEqual({ unit: 's', decimals: 2 });
    expect(axisUnit(20e9, 100e9)).toEqual({ unit: 's', decimals: 0 });
    expect(axisUnit(10e6, 50.08e9)).toEqual({ unit: 's', decimals: 2 });
    expect(axisUnit(100, 1300)).toEqual({ unit: 'µs', decimals: 1 });
    expect(axisUnit(5e6, 35e6)).toEqual({ unit: 'ms', decimals: 0 });
    expect(axisUnit(1, 3)).toEqual({ unit: 'ns', decimals: 0 });
    // A zoom deep into a long trace still says where it is, in seconds.
    expect(ticks(80e6, 900, 90, 50e9).map((tick) => tick.label).slice(0, 3)).toEqual(['50.00s', '50.01s', '50.02s']);
  });

  it('has one tick for an empty trace and never steps below 1 ns', () => {
    expect(ticks(0, 900)).toHaveLength(1);
    expect(ticks(3, 900).map((tick) => tick.offsetNs)).toEqual([0, 1, 2, 3]);
  });

  it('ticks a zoomed window at whole steps, labelled from the trace start', () => {
    const got = ticks(300, 900, 300, 1050);
    expect(got.map((tick) => [tick.offsetNs, tick.label])).toEqual([
      [1100, '1.1µs'],
      [1200, '1.2µs'],
      [1300, '1.3µs'],
    ]);
    expect(got[0]!.fraction).toBeCloseTo(50 / 300);
  });

  it('clips bars to a zoomed window', () => {
    expect(barExtent(0, 2000, 1000, 0.002, 500)).toEqual({ left: 0, width: 1 });
    expect(barExtent(1000, 1250, 1000, 0.002, 500)).toEqual({ left: 0.5, width: 0.25 });
    expect(barExtent(0, 100, 1000, 0.002, 500).width).toBe(0.002);
  });

  it('places bars within the axis, never invisibly thin', () => {
    expect(barExtent(250, 750, 1000)).toEqual({ left: 0.25, width: 0.5 });
    expect(barExtent(500, 500, 1000).width).toBe(0.002);
    expect(barExtent(900, 2000, 1000)).toEqual({ left: 0.9, width: 0.09999999999999998 });
  });

  it('marks spans wholly outside a zoomed window at its edge, and clips those across it', () => {
    // Window 500..1500 ns.
    expect(barPlacement(0, 100, 1000, 500)).toEqual({ kind: 'before' });
    expect(barPlacement(1600, 1700, 1000, 500)).toEqual({ kind: 'after' });
    expect(barPlacement(400, 600, 1000, 500)).toEqual({ kind: 'bar', left: 0, width: 0.1, clippedStart: true, clippedEnd: false });
    expect(barPlacement(1400, 1600, 1000, 500)).toEqual({ kind: 'bar', left: 0.9, width: 0.09999999999999998, clippedStart: false, clippedEnd: true });
    expect(barPlacement(0, 2000, 1000, 500)).toEqual({ kind: 'bar', left: 0, width: 1, clippedStart: true, clippedEnd: true });
    expect(barPlacement(1000, 1250, 1000, 500)).toMatchObject({ kind: 'bar', left: 0.5, width: 0.25 });
    // A point span on an edge is inside; without a zoom every span is a bar.
    expect(barPlacement(500, 500, 1000, 500)).toMatchObject({ kind: 'bar', left: 0 });
    expect(barPlacement(0, 1000, 1000)).toMatchObject({ kind: 'bar', left: 0, width: 1 });
  });

  it('puts a duration label after its bar while it fits, else before it, else inside it', () => {
    expect(labelSide(0, 0.5)).toBe('after');
    expect(labelSide(0.7, 0.1)).toBe('after');
    expect(labelSide(0.5, 0.45)).toBe('before');
    expect(labelSide(0.9, 0.1)).toBe('before');
    // A bar across the lane keeps its label inside the lane, on the bar's end.
    expect(labelSide(0, 1)).toBe('inside');
    expect(labelSide(0.05, 0.9)).toBe('inside');
  });

  it('gives the zoomed window as a part of the whole trace, for the minimap', () => {
    expect(zoomWindow(null, 1000)).toBeNull();
    expect(zoomWindow({ fromNs: 250, toNs: 500 }, 1000)).toEqual({ left: 0.25, width: 0.25 });
    expect(zoomWindow({ fromNs: 900, toNs: 1500 }, 1000)).toEqual({ left: 0.9, width: 0.09999999999999998 });
    expect(zoomWindow({ fromNs: 0, toNs: 10 }, 0)).toBeNull();
  });
});
