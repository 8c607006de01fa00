// Log levels as classes (the engine's severity numbers 1–24 in OTel's four-step
// bands) and the colour each class and each service gets. Colours are CSS
// variables set in app.css, so the light and dark themes each pick theirs.

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

/**
 * The service palette: twelve colours far enough apart to tell services from each
 * other, as CSS variables (`--service-N` in app.css, one set per theme).
 */
export const SERVICE_COLOURS = Array.from({ length: 12 }, (_, index) => `var(--service-${index})`);

/** A stable colour for a service name (same name, same colour, in every session). */
export function serviceColour(service: string): string {
  let hash = 2166136261;
  for (let index = 0; index < service.length; index++) {
    hash = Math.imul(hash ^ service.charCodeAt(index), 16777619);
  }
  return SERVICE_COLOURS[(hash >>> 0) % SERVICE_COLOURS.length]!;
}
