import { describe, expect, it } from 'vitest';
import { paintTheme, resolveColour } from './cssColours';

const style = (values: Record<string, string>) => ({ getPropertyValue: (name: string) => values[name] ?? '' });

describe('resolveColour', () => {
  it('reads a var() from the style and leaves a plain colour as it is', () => {
    const css = style({ '--service-3': ' #956211 ' });
    expect(resolveColour(css, 'var(--service-3)')).toBe('#956211');
    expect(resolveColour(css, '#123456')).toBe('#123456');
    expect(resolveColour(css, 'var(--unset)', 'grey')).toBe('grey');
  });
});

describe('paintTheme', () => {
  it('resolves the services in the outline’s order and the status colours', () => {
    const css = style({ '--panel': '#fff', '--bad': '#c2362b', '--service-0': '#d8122c', '--service-7': '#0573aa', '--bad-bg': '#fde', '--selected': '#e3f' });
    expect(paintTheme(css, ['var(--service-7)', 'var(--service-0)'])).toEqual({
      background: '#fff',
      services: ['#0573aa', '#d8122c'],
      error: '#c2362b',
      match: '#fde',
      focus: '#e3f',
    });
  });
});
