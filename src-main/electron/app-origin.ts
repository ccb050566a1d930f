/** The renderer is served from this privileged custom scheme, never file://, so it has a real origin that 'self' and IPC checks can name. */
export const appScheme = 'latent';
export const appOrigin = `${appScheme}://app`;
export const appEntryUrl = `${appOrigin}/index.html`;

/** The IPC channel of an API method, and of events. */
export const callChannel = (method: string): string => `latent-lab:call:${method}`;
export const eventChannel = 'latent-lab:event';

/** True for a URL of our own renderer (the only page allowed to call the API). */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${appScheme}:` && parsed.host === 'app';
  } catch {
    return false;
  }
}
