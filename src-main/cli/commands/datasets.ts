import type { Command } from 'commander';
import type { DatasetSummary } from '../../contract/contract.ts';
import { printJson, withApi } from '../context.ts';
import { findDataset, printTable } from '../support.ts';

function printDatasets(datasets: DatasetSummary[]): void {
  printTable(
    ['id', 'name', 'images', 'missing', 'stored', 'fit', 'background', 'attributes', 'folder'],
    datasets.map((d) => [d.id, d.name, d.items, d.missing || '-', `${d.size}x${d.size}x${d.channels}`, d.fit, d.background, d.attributes.length || '-', d.root]),
  );
}

/** `latent-lab datasets`: what has been imported; `datasets rm`: delete one. */
export function register(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('list imported datasets (datasets rm <dataset> deletes one)')
    .option('--json', 'print one JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withApi(command, (api) => api.invoke('listDatasets', {}));
      if (options.json) return printJson(list);
      if (list.length === 0) {
        process.stdout.write('No datasets yet: run latent-lab import <folder>, or latent-lab demo for a sample.\n');
        return;
      }
      printDatasets(list);
    });
  datasets
    .command('rm')
    .description('delete a dataset: its items, runs (with their weights, codes, scores, projections), pixel cache and thumbnails; not the image folder')
    .argument('<dataset>', 'dataset id or name')
    .option('--yes', 'delete without asking to confirm (without it, says what would be deleted)')
    .option('--json', 'print one JSON object')
    .action(async (ref: string, options: { yes?: boolean; json?: boolean }, command: Command) => {
      await withApi(command, async (api) => {
        const dataset = await findDataset(api, ref);
        if (!options.yes) {
          const runs = await api.invoke('listRuns', { datasetId: dataset.id });
          process.stdout.write(
            `This deletes dataset "${dataset.name}" (id ${dataset.id}): ${dataset.items.toLocaleString('en')} items and ${runs.length} run(s) with everything they hold. ` +
              `The images in ${dataset.root} are not touched.\nRun again with --yes to delete it.\n`,
          );
          process.exitCode = 1;
          return;
        }
        const deleted = await api.invoke('deleteDataset', { datasetId: dataset.id });
        if (options.json) return printJson({ dataset: dataset.id, name: dataset.name, ...deleted });
        process.stdout.write(`deleted dataset "${dataset.name}" (id ${dataset.id}): ${deleted.items} items, ${deleted.runs} runs, ${deleted.files} cache files\n`);
      });
    });
}
