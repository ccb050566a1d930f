import type { Command } from 'commander';
import { dbPathOf, printJson, withDb } from '../context.ts';

/** `latent-lab info`: where the data lives and what it holds. */
export function register(program: Command): void {
  program
    .command('info')
    .description('show the database file, its schema version and what it holds')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }, command: Command) => {
      const info = await withDb(command, (db) => {
        const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        return {
          db: dbPathOf(command),
          schemaVersion: db.pragma('user_version', { simple: true }) as number,
          datasets: count('datasets'),
          items: count('items'),
          runs: count('runs'),
        };
      });
      if (options.json) return printJson(info);
      for (const [key, value] of Object.entries(info)) process.stdout.write(`${key.padEnd(14)} ${value}\n`);
    });
}
