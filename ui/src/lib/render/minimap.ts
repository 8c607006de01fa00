// The waterfall's minimap: every row of the tree as a thin bar (all rows squeezed
// into the canvas height), error rows in the error colour, and a box over the
// rows the list shows. A plain function of (ctx, data, size, theme).

export interface MinimapBar {
  /** 0..1 across the whole trace. */
  left: number;
  width: number;
  colour: string;
  error: boolean;
  /** A placeholder's row (a missing parent): it keeps its place but is not painted. */
  placeholder?: boolean;
}

export interface MinimapTheme {
  background: string;
  error: string;
  window: string;
}

/** The subset of CanvasRenderingContext2D the painter uses (tests record it). */
export type MinimapContext = Pick<
  CanvasRenderingContext2D,
  'fillStyle' | 'strokeStyle' | 'lineWidth' | 'fillRect' | 'strokeRect' | 'clearRect'
>;

export function drawMinimap(
  ctx: MinimapContext,
  bars: readonly MinimapBar[],
  shown: { start: number; end: number } | null,
  size: { width: number; height: number },
  theme: MinimapTheme,
): void {
  const { width, height } = size;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  if (bars.length === 0) return;
  const rowHeight = height / bars.length;
  const barHeight = Math.max(1, rowHeight * 0.7);
  bars.forEach((bar, index) => {
    if (bar.placeholder) return;
    ctx.fillStyle = bar.error ? theme.error : bar.colour;
    ctx.fillRect(bar.left * width, index * rowHeight, Math.max(1, bar.width * width), barHeight);
  });
  if (shown && shown.end > shown.start) {
    ctx.strokeStyle = theme.window;
    ctx.lineWidth = 1;
    const top = shown.start * rowHeight;
    ctx.strokeRect(0.5, top + 0.5, width - 1, Math.max(2, (shown.end - shown.start) * rowHeight) - 1);
  }
}

/** The row under a y on a minimap `height` tall showing `count` rows. */
export function minimapRowAt(y: number, height: number, count: number): number {
  if (count <= 0) return -1;
  return Math.min(count - 1, Math.max(0, Math.floor((y / Math.max(1, height)) * count)));
}
