import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { cacheDirFor } from '../../paths.ts';
import { dbPathOf, printJson } from '../context.ts';
import { printSummary, runImportCommand } from './import.ts';

/** `latent-lab demo`: draws a small sample dataset and imports it, so everything can be tried without data. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('draw a sample dataset of cartoon faces (labels and attributes such as Smiling) and import it')
    .option('--out <dir>', 'where to write the images (default: demo-faces in the cache folder beside the database)')
    .option('--count <n>', 'how many images', '2000')
    .option('--json', 'print one JSON summary of the import')
    .action(async (options: { out?: string; count: string; json?: boolean }, command: Command) => {
      if (!/^\d+$/.test(options.count) || Number(options.count) < 3 || Number(options.count) > 200_000) {
        throw new UserError(`--count must be a whole number from 3 to 200000, not "${options.count}".`);
      }
      const dbPath = dbPathOf(command);
      const dir = path.resolve(options.out ?? path.join(cacheDirFor(dbPath), 'demo-faces'));
      if (!options.json) process.stderr.write(`drawing ${options.count} faces into ${dir}\n`);
      const { writeDemoFolder } = await import('../../dataset/demo.ts');
      await writeDemoFolder(dir, Number(options.count));
      const summary = await runImportCommand(command, { folder: dir, name: path.basename(dir), channels: 3 }, Boolean(options.json));
      if (!summary) return;
      if (options.json) printJson({ ...summary, folder: dir });
      else printSummary(summary);
    });
}
