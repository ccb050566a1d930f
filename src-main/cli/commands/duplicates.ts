import type { Command } from 'commander';
import { DEFAULT_NEAR_DIFFERENCE } from '../../contract/contract.ts';
import { UserError } from '../../errors.ts';
import type { Api } from '../../api/create-api.ts';
import { printJson, withApi } from '../context.ts';
import { findDataset, parseNumber, parseRunId } from '../support.ts';

/** A run id (a bare number or run:N) or a dataset (its name, or dataset:ID). */
async function parseSource(api: Api, ref: string): Promise<{ runId: number } | { datasetId: number }> {
  if (/^\d+$/.test(ref)) return { runId: parseRunId(ref) };
  if (ref.startsWith('run:')) return { runId: parseRunId(ref.slice(4)) };
  const name = ref.startsWith('dataset:') ? ref.slice(8) : ref;
  if (!name) throw new UserError('<dataset|run> must name a dataset or give a run id, e.g. demo-faces or 3');
  return { datasetId: (await findDataset(api, name)).id };
}

/** `latent-lab duplicates <dataset|run>`: exact and near duplicate groups, and those that leak between train and val. */
export function register(program: Command): void {
  program
    .command('duplicates')
    .description('exact duplicates (same content) and near duplicates, in groups; groups with members in train and val are leaks')
    .argument('<dataset|run>', 'a run id (candidates also from its codes), or a dataset name or dataset:ID (no run needed)')
    .option('--threshold <d>', 'largest aligned pixel difference of a near pair (RMS over the images\' contrast, best over small shifts)', String(DEFAULT_NEAR_DIFFERENCE))
    .option('--json', 'print {groups: [{kind, distance, leaky, items: [{id, path, split}]}], ...} as JSON')
    .action(async (ref: string, flags: { threshold: string; json?: boolean }, command: Command) => {
      const threshold = parseNumber(flags.threshold, '--threshold');
      if (threshold < 0) throw new UserError(`--threshold must be at least 0, got "${flags.threshold}"`);
      const report = await withApi(command, async (api) => api.invoke('duplicates', { ...(await parseSource(api, ref)), threshold }));
      if (flags.json) return printJson(report);
      process.stdout.write(
        `${report.groups.length} groups (${report.duplicated} items), ${report.leaky} leaky between train and val; near-duplicate candidates from pixel fingerprints${report.runId === null ? '' : ` and run ${report.runId}'s codes`}, threshold ${report.threshold}\n`,
      );
      if (report.groups.length === 0) return;
      process.stdout.write(`${'group'.padStart(5)}  kind   distance  leak  ${'item'.padStart(8)}  split  path\n`);
      report.groups.forEach((group, g) => {
        for (const item of group.items) {
          process.stdout.write(
            `${String(g + 1).padStart(5)}  ${group.kind.padEnd(5)}  ${String(group.distance).padStart(8)}  ${group.leaky ? 'yes ' : '    '}  ${String(item.id).padStart(8)}  ${item.split.padEnd(5)}  ${item.path}\n`,
          );
        }
      });
    });
}
