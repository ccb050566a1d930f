import type { Command } from 'commander';
import { loadRunCodes } from '../../latent/codes.ts';
import { nearestItems } from '../../latent/neighbors.ts';
import { printJson, withDb } from '../context.ts';
import { parseChoice, parseCount, parseRunId, resolveRunItem } from '../support.ts';

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
      await withDb(command, (db) => {
        const itemId = resolveRunItem(db, runId, itemRef);
        const found = nearestItems(loadRunCodes(db, runId), { itemId }, k, metric);
        const describe = db.prepare('SELECT path, label FROM items WHERE id = ?');
        const rows = found.map((f) => ({ ...f, ...(describe.get(f.itemId) as { path: string; label: string | null }) }));
        if (flags.json) return printJson(rows);
        for (const r of rows) process.stdout.write(`${String(r.itemId).padStart(8)}  ${r.distance.toFixed(5).padStart(10)}  ${r.label ?? '-'}  ${r.path}\n`);
      });
    });
}
