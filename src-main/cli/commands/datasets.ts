import type { Command } from 'commander';
import type { DatasetSummary } from '../../contract/contract.ts';
import { UserError } from '../../errors.ts';
import { printJson, withApi } from '../context.ts';

function printTable(datasets: DatasetSummary[]): void {
  const rows = datasets.map((d) => [
    String(d.id),
    d.name,
    d.items.toLocaleString('en'),
    d.missing ? String(d.missing) : '-',
    `${d.size}x${d.size}x${d.channels}`,
    d.fit,
    d.background,
    d.attributes.length ? String(d.attributes.length) : '-',
    d.root,
  ]);
  const header = ['id', 'name', 'images', 'missing', 'stored', 'fit', 'background', 'attributes', 'folder'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const row of [header, ...rows]) process.stdout.write(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ') + '\n');
}

/** A dataset given by id or name, from the API's list. */
function findDataset(datasets: DatasetSummary[], ref: string): DatasetSummary {
  const found = datasets.find((d) => d.name === ref) ?? (/^\d+$/.test(ref) ? datasets.find((d) => d.id === Number(ref)) : undefined);
  if (found) return found;
  const names = datasets.map((d) => `"${d.name}"`).join(', ');
  throw new UserError(`No dataset "${ref}" (give its id or name). ${names ? `Datasets: ${names}.` : 'There are no datasets.'}`, 'not_found');
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
      printTable(list);
    });
  datasets
    .command('rm')
    .description('delete a dataset: its items, runs (with their weights, codes, scores, projections), pixel cache and thumbnails; not the image folder')
    .argument('<dataset>', 'dataset id or name')
    .option('--yes', 'delete without asking to confirm (without it, says what would be deleted)')
    .option('--json', 'print one JSON object')
    .action(async (ref: string, options: { yes?: boolean; json?: boolean }, command: Command) => {
      await withApi(command, async (api) => {
        const dataset = findDataset(await api.invoke('listDatasets', {}), ref);
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
