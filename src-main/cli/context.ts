import type { Command } from 'commander';
import type { ApiHost } from '../api/context.ts';
import type { Api } from '../api/create-api.ts';
import { resolveDbPath } from '../paths.ts';

/** Global options every command sees (declared once on the root program). */
export interface GlobalOptions {
  db?: string;
}

/** The database chosen by --db, LATENT_LAB_DB or the per-user default. */
export function dbPathOf(command: Command): string {
  return resolveDbPath((command.optsWithGlobals() as GlobalOptions).db);
}

/** Prints a value as one line of JSON on stdout (for --json). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/**
 * Runs `use` against the one typed API (the CLI is a front door like Electron
 * and serve), closing it afterwards. Errors come back as ApiCallError, which
 * main() prints with the API's field names translated to flag names.
 */
export async function withApi<T>(command: Command, use: (api: Api) => T | Promise<T>, host: Omit<ApiHost, 'kind'> = {}): Promise<T> {
  // Loaded here, not at the top, so `--help` and argument errors never load the engine.
  const { createApi } = await import('../api/create-api.ts');
  const api = createApi({ dbPath: dbPathOf(command), host: { kind: 'cli', ...host } });
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}
