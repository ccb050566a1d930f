import type { Command } from 'commander';
import { listRuns, markInterruptedRuns } from '../../engine/runs.ts';
import { printJson, withDb } from '../context.ts';

const fmt = (v: number | null) => (v === null ? '-' : v.toPrecision(4));

/** `latent-lab runs`: stored training runs with status and latest metrics. */
export function register(program: Command): void {
  program
    .command('runs')
    .description('list training runs with their status and latest metrics')
    .option('--json', 'print one JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      const runs = await withDb(command, (db) => {
        markInterruptedRuns(db);
        return listRuns(db);
      });
      if (options.json) return printJson(runs);
      if (runs.length === 0) {
        process.stdout.write('No runs yet: latent-lab train <dataset> --model ae\n');
        return;
      }
      process.stdout.write('  id  dataset           model     status       epochs  backend  train loss  val mse   val kl\n');
      for (const r of runs) {
        process.stdout.write(
          `${String(r.run).padStart(4)}  ${r.datasetName.slice(0, 16).padEnd(16)}  ${r.model.padEnd(8)}  ${r.status.padEnd(11)}  ` +
            `${`${r.epochs}/${r.epochsPlanned}`.padStart(6)}  ${(r.backend ?? '-').padEnd(7)}  ${fmt(r.trainLoss).padStart(10)}  ${fmt(r.valMse).padStart(8)}  ${fmt(r.valKl).padStart(7)}\n`,
        );
      }
    });
}
