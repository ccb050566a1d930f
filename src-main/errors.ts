/**
 * An error caused by the user's input or data rather than by a bug. Front
 * doors show its message as is (no stack trace); `code` lets clients branch.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly code: string = 'bad_request',
  ) {
    super(message);
  }
}

export function isUserError(error: unknown): error is Error & { code?: string } {
  return error instanceof Error && (error.name === 'UserError' || error.name === 'StoreError');
}

/** A failed API call, as in-process callers (the CLI) receive it: the API's error code and its message for people. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
