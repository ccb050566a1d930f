import type { Command } from 'commander';
import { printJson, withApi } from '../context.ts';
import { printTable } from '../support.ts';

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toPrecision(4));

/** `latent-lab runs`: stored training runs with status and latest metrics. */
export function register(program: Command): void {
  program
    .command('runs')
    .description('list training runs with their status and latest metrics')
    .option('--json', 'print one JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { runs, datasets } = await withApi(command, async (api) => ({ runs: await api.invoke('listRuns', {}), datasets: await api.invoke('listDatasets', {}) }));
      if (options.json) return printJson(runs);
      if (runs.length === 0) {
        process.stdout.write('No runs yet: latent-lab train <dataset>\n');
        return;
      }
      const datasetName = new Map(datasets.map((d) => [d.id, d.name]));
      printTable(
        ['id', 'dataset', 'model', 'status', 'epochs', 'backend', 'train loss', 'val mse', 'val kl', 'name'],
        runs.map((r) => [
          r.id,
          datasetName.get(r.datasetId) ?? String(r.datasetId),
          r.model,
          r.status,
          r.epochsDone,
          r.backend ?? '-',
          fmt(r.last?.trainLoss),
          fmt(r.last?.valMse),
          fmt(r.last?.valKl),
          r.name ?? '',
        ]),
      );
    });
}
