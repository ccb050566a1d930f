import { ZodError } from 'zod';
import { isUserError, UserError } from '../errors.ts';
import type { ApiErrorBody } from '../contract/contract.ts';

/** Where failures that are bugs go, with their stacks (never to the client). */
export type Logger = (message: string, error?: unknown) => void;

export const consoleLogger: Logger = (message, error) => console.error(`[latent-lab] ${message}`, error ?? '');

export function notFound(what: string): UserError {
  return new UserError(`${what} does not exist (it may have been deleted; refresh the list).`, 'not_found');
}

function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return where + issue.message;
    })
    .join('; ');
}

/**
 * The error a client sees: people's mistakes keep their message and code; a
 * bug becomes code `internal` with its first line only, and the stack is logged.
 */
export function toErrorBody(error: unknown, log: Logger, during: string): ApiErrorBody {
  if (error instanceof ZodError) return { code: 'invalid_input', message: `Invalid input: ${describeZodError(error)}` };
  if (isUserError(error)) return { code: error.code ?? 'bad_request', message: error.message };
  log(`${during} failed`, error);
  const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
  return { code: 'internal', message: `Latent Lab hit an internal error during ${during}: ${firstLine}. The details are in the log.` };
}
