// Log levels as classes (the engine's severity numbers 1–24 in OTel's four-step
// bands) and the colour each class gets. Colours are CSS variables set in
// app.css, so the light and dark themes each pick theirs (services: palette.ts).

export const LEVELS = ['unspecified', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** The class of an OTel severity number: 1–4 trace, 5–8 debug, … 21–24 fatal. */
export function levelOf(severity: number): Level {
  const index = Math.min(6, Math.max(0, Math.floor((severity + 3) / 4)));
  return LEVELS[index]!;
}

/** The CSS colour of a level class. */
export function levelColour(level: Level): string {
  return `var(--level-${level})`;
}
