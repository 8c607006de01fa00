// The height of an expanded log row before the row has measured itself (then the
// list uses the measured one: wrapped lines are known only to the page). The
// numbers are LogRow.svelte's: a 24 px line, a 24 px row of actions, the body box
// and the attribute tree at 17 px a line.

import { BODY_FOLD, lineCount } from './fold';

export const ROW_HEIGHT = 24;
export const TEXT_LINE_HEIGHT = 17;

/** Pixels of an expanded row with `body` and `attributeLines` lines of attributes; `whole`: not folded. */
export function expandedHeight(body: string, attributeLines: number, whole: boolean): number {
  const bodyLines = whole ? lineCount(body) : Math.min(lineCount(body), BODY_FOLD.maxLines);
  const bodyBox = bodyLines * TEXT_LINE_HEIGHT + 8 + 8; // padding, margins
  return ROW_HEIGHT * 2 + bodyBox + attributeLines * TEXT_LINE_HEIGHT + 8 + 1; // fields' padding, border
}
