// Canvas colours from the theme: a canvas knows no CSS variables, so a painter gets
// the colours app.css defines, read from a computed style once per theme.
import type { PaintTheme } from '../model/tracePaint';

type Style = Pick<CSSStyleDeclaration, 'getPropertyValue'>;

/** `value` if it is a colour, else the custom property a `var(--name)` names (`fallback` when unset). */
export function resolveColour(style: Style, value: string, fallback = '#888'): string {
  const name = /^var\((--[\w-]+)\)$/.exec(value.trim())?.[1];
  if (!name) return value;
  return style.getPropertyValue(name).trim() || fallback;
}

/** The waterfall painter's theme: `services[i]` is the colour of the outline's service i. */
export function paintTheme(style: Style, serviceColours: readonly string[]): PaintTheme {
  return {
    background: resolveColour(style, 'var(--panel)', '#fff'),
    services: serviceColours.map((colour) => resolveColour(style, colour)),
    error: resolveColour(style, 'var(--bad)', '#c00'),
    match: resolveColour(style, 'var(--bad-bg)', '#fdecea'),
    focus: resolveColour(style, 'var(--selected)', '#e3f1ef'),
  };
}
