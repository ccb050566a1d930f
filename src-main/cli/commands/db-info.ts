import type { Command } from 'commander';
import { printJson, withApi } from '../context.ts';

/** `latent-lab info`: where the data lives and what it holds. */
export function register(program: Command): void {
  program
    .command('info')
    .description('show the database file, its schema version and what it holds')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }, command: Command) => {
      const info = await withApi(command, (api) => api.invoke('appInfo', {}));
      const { dbPath: db, schemaVersion, datasets, items, runs } = info;
      const shown = { db, schemaVersion, datasets, items, runs };
      if (options.json) return printJson(shown);
      for (const [key, value] of Object.entries(shown)) process.stdout.write(`${key.padEnd(14)} ${value}\n`);
    });
}
