// The one error type the UI handles. The shell sends `{ code, message }`
// (src-tauri/src/error.rs); anything else that makes a call fail (no Tauri, a
// command the capability does not grant, a thrown Error) becomes code `ipc`.
// Code branches on `code`, never on `message`.
import type { Code } from './generated/bindings';

/** Codes the shell sends (`Code`, generated from src-tauri/src/error.rs), plus `ipc`
 * for failures before the shell answered. */
export type ErrorCode = Code | 'ipc';

/** Every code the shell sends: the type makes it list each `Code` once, no other. */
const SHELL_CODES: Record<Code, true> = {
  case_unavailable: true,
  database: true,
  query: true,
  bad_input: true,
  not_found: true,
  listen: true,
};

export class WeftError extends Error {
  readonly code: ErrorCode;
  /** For `query`: the 1-based column of the query text the error points at. */
  readonly column: number | null;

  constructor(code: ErrorCode, message: string, column: number | null = null) {
    super(message);
    this.name = 'WeftError';
    this.code = code;
    this.column = column;
  }
}

/** Turns whatever a failed call rejected with into a WeftError. */
export function toWeftError(raw: unknown): WeftError {
  if (raw instanceof WeftError) return raw;
  if (typeof raw === 'object' && raw !== null && 'code' in raw && 'message' in raw) {
    const { code, message, column } = raw as { code: unknown; message: unknown; column?: unknown };
    if (typeof code === 'string' && Object.hasOwn(SHELL_CODES, code)) {
      const at = typeof column === 'number' ? column : null;
      return new WeftError(code as ErrorCode, String(message), at);
    }
  }
  if (raw instanceof Error) return new WeftError('ipc', raw.message);
  return new WeftError('ipc', typeof raw === 'string' ? raw : JSON.stringify(raw));
}
