import type { Command } from 'commander';
import { printJson, withApi } from '../context.ts';
import { itemIds, parseChoice, parseCount, parseRunId, printTable } from '../support.ts';

/** `latent-lab neighbors <run> <item>`: exact nearest items in the latent space. */
export function register(program: Command): void {
  program
    .command('neighbors')
    .description("an item's exact nearest neighbours in a run's latent space")
    .argument('<run>', 'run id')
    .argument('<item>', 'item id or path relative to the dataset folder')
    .option('--k <k>', 'how many neighbours', '10')
    .option('--metric <metric>', 'euclidean or cosine', 'euclidean')
    .option('--json', 'print [{itemId, path, label, distance}] as JSON')
    .action(async (runRef: string, itemRef: string, flags: { k: string; metric: string; json?: boolean }, command: Command) => {
      const runId = parseRunId(runRef);
      const k = parseCount(flags.k, '--k');
      const metric = parseChoice(flags.metric, '--metric', ['euclidean', 'cosine'] as const);
      await withApi(command, async (api) => {
        const [itemId] = await itemIds(api, runId, [itemRef]);
        const { neighbours } = await api.invoke('neighbours', { runId, itemId, k, metric });
        const { items } = await api.invoke('lookupItems', { runId, refs: neighbours.map((n) => String(n.itemId)) });
        const rows = neighbours.map((n, i) => ({ itemId: n.itemId, path: items[i].path, label: items[i].label, distance: n.distance }));
        if (flags.json) return printJson(rows);
        printTable(
          ['item', 'distance', 'label', 'path'],
          rows.map((r) => [r.itemId, r.distance.toFixed(5), r.label ?? '-', r.path]),
        );
      });
    });
}
