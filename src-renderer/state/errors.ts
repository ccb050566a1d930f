/** The message a person should read for a failed call (ApiError messages are written for people). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True when the API says this part of Latent Lab is not in this build. */
export function isUnavailable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'unsupported';
}
