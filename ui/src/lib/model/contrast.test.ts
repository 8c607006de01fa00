// The theme's colours (app.css) against its backgrounds: every level colour and
// every service colour reads as text at WCAG AA (>= 4.5) in light and in dark.
import { MARK_COLOURS } from './notebook';
import { describe, expect, it } from 'vitest';
import css from '../../app.css?raw';
import { contrastRatio, customProperties, luminance, parseHex } from './contrast';
import { LEVELS } from './levels';
import { SERVICE_COLOURS } from './palette';
import { ERROR_BANDS } from './services';

describe('contrastRatio', () => {
  it('gives the WCAG figures', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(luminance('#ffffff')).toBe(1);
    expect(parseHex('#1c2030')).toEqual([0x1c, 0x20, 0x30]);
    expect(() => parseHex('hsl(1 2% 3%)')).toThrow();
  });
});

const THEMES = {
  light: customProperties(css, ":root[data-theme='light']"),
  dark: customProperties(css, ":root[data-theme='dark']"),
};
const BACKGROUNDS = ['--bg', '--panel', '--row-alt'];
const TEXT = [
  '--fg',
  '--muted',
  '--accent',
  '--bad',
  '--warn',
  '--diff-slower',
  '--diff-faster',
  ...LEVELS.map((level) => `--level-${level}`),
  ...SERVICE_COLOURS.map((_, index) => `--service-${index}`),
  ...Array.from({ length: 16 }, (_, index) => `--ansi-${index}`),
];

describe.each(Object.entries(THEMES))('the %s theme', (_, properties) => {
  // Badges: the error mark of a span row and a span name matching the in-trace search.
  it.each([
    ['--panel', '--bad'],
    ['--panel', '--level-warn'],
  ])('%s text on a %s badge reads (AA)', (text, badge) => {
    expect(contrastRatio(properties.get(text)!, properties.get(badge)!)).toBeGreaterThanOrEqual(4.5);
  });

  // Graphics (WCAG 1.4.11, >= 3): the critical path line and the share bars.
  it.each(['--path', '--share-selection', '--share-baseline'])('%s shows on every background (>= 3)', (name) => {
    for (const background of BACKGROUNDS) {
      const ratio = contrastRatio(properties.get(name)!, properties.get(background)!);
      expect(ratio, `${name} on ${background}`).toBeGreaterThanOrEqual(3);
    }
  });

  // The service map's nodes by error rate (issue 16): graphics on every background,
  // and the node's outline (--fg) shows against each fill.
  it.each(ERROR_BANDS.map((band) => `--error-rate-${band}`))('%s shows on every background (>= 3)', (name) => {
    const colour = properties.get(name);
    expect(colour, `${name} is set`).toBeDefined();
    for (const background of BACKGROUNDS) {
      const ratio = contrastRatio(colour!, properties.get(background)!);
      expect(ratio, `${name} ${colour} on ${background}`).toBeGreaterThanOrEqual(3);
    }
  });

  // The Notebook's flags (issue 18): graphics on every background.
  it.each(['default', ...MARK_COLOURS].map((name) => `--mark-${name}`))('%s shows on every background (>= 3)', (name) => {
    const colour = properties.get(name);
    expect(colour, `${name} is set`).toBeDefined();
    for (const background of BACKGROUNDS) {
      expect(contrastRatio(colour!, properties.get(background)!), `${name} on ${background}`).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(TEXT)('%s reads on every background (AA, >= 4.5)', (name) => {
    const colour = properties.get(name);
    expect(colour, `${name} is set`).toBeDefined();
    for (const background of BACKGROUNDS) {
      const ratio = contrastRatio(colour!, properties.get(background)!);
      expect(ratio, `${name} ${colour} on ${background}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
