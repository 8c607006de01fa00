import { describe, expect, it } from 'vitest';
import { errorsLine, keptExtrasLine, keptLine, lostReason, sampledQuery, SEED_POLICY, share, showSampledLabel } from './sampling';

const report = {
  traces: 40,
  kept: 14,
  errors: 14,
  kept_errors: 12,
  kept_slow: 9,
  spans_kept: 1234,
  logs_of_kept_traces: 98,
};

describe('sampling texts', () => {
  it('gives the kept share with one decimal, and none of nothing', () => {
    expect(share(14, 40)).toBe('35.0 %');
    expect(share(1, 3)).toBe('33.3 %');
    expect(share(0, 0)).toBe('—');
  });

  it('says what is kept, of the errors and of the rest', () => {
    expect(keptLine(report)).toBe('Keeps 14 of 40 traces (35.0 %)');
    expect(errorsLine(report)).toBe('12 of 14 traces with errors kept, 2 lost');
    expect(errorsLine({ ...report, errors: 0, kept_errors: 0 })).toBe('No trace has an error');
    expect(keptExtrasLine(report, 1000)).toBe('9 slow (≥ 1\u2009000 ms) kept · 1\u2009234 spans and 98 logs kept');
  });

  it('names why a lost trace matters', () => {
    expect(lostReason({ error: true, slow: false })).toBe('error');
    expect(lostReason({ error: false, slow: true })).toBe('slow');
    expect(lostReason({ error: true, slow: true })).toBe('error, slow');
  });

  it('starts from the seed policy: errors, 1000 ms, 5 %', () => {
    expect(SEED_POLICY).toContain('status_codes: [ERROR]');
    expect(SEED_POLICY).toContain('threshold_ms: 1000');
    expect(SEED_POLICY).toContain('sampling_percentage: 5');
  });

  it('shows the kept or dropped traces with the query term of the applied simulation', () => {
    expect(sampledQuery('kept')).toBe('sampled:kept');
    expect(sampledQuery('dropped')).toBe('sampled:dropped');
    expect(showSampledLabel('kept', 14)).toBe('Show 14 kept traces');
    expect(showSampledLabel('dropped', 1)).toBe('Show 1 dropped trace');
    expect(showSampledLabel('dropped', 1234)).toBe('Show 1\u2009234 dropped traces');
  });
});
