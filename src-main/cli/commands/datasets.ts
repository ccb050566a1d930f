import type { Command } from 'commander';
import { listDatasets } from '../../dataset/queries.ts';
import { printJson, withDb } from '../context.ts';

/** `latent-lab datasets`: what has been imported. */
export function register(program: Command): void {
  program
    .command('datasets')
    .description('list imported datasets with their item counts')
    .option('--json', 'print one JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      const datasets = await withDb(command, listDatasets);
      if (options.json) return printJson(datasets);
      if (datasets.length === 0) {
        process.stdout.write('No datasets yet: run latent-lab import <folder>, or latent-lab demo for a sample.\n');
        return;
      }
      for (const d of datasets) {
        process.stdout.write(
          `${String(d.id).padStart(3)}  ${d.name}  ${d.items} images (${d.train} train, ${d.val} val${d.missing ? `, ${d.missing} missing` : ''})` +
            `  ${d.size}x${d.size}x${d.channels}  labels: ${d.labels.length || '-'}  attributes: ${d.attributes.length || '-'}  ${d.root}\n`,
        );
      }
    });
}
