// Everything the rest of the UI may use to reach the shell.
export { caseApi, type CaseApi } from './case';
export { WeftError, toWeftError, type ErrorCode } from './errors';
export type * from './types';
