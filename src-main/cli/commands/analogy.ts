import type { Command } from 'commander';
import { withApi } from '../context.ts';
import { itemIds, parseRunId, writeImages } from '../support.ts';

/** `latent-lab analogy <run> A B C`: decode(z_A - z_B + z_C). */
export function register(program: Command): void {
  program
    .command('analogy')
    .description('decode z_A - z_B + z_C; the PNG shows the reconstructions of A, B, C, then the result')
    .argument('<run>', 'run id')
    .argument('<a>', 'item A: id or path relative to the dataset folder')
    .argument('<b>', 'item B')
    .argument('<c>', 'item C')
    .requiredOption('--out <file.png>', 'PNG to write')
    .action(async (runRef: string, a: string, b: string, c: string, flags: { out: string }, command: Command) => {
      const runId = parseRunId(runRef);
      await withApi(command, async (api) => {
        const ids = await itemIds(api, runId, [a, b, c]);
        const inputs = await Promise.all(ids.map((itemId) => api.invoke('reconstruct', { runId, itemId })));
        const result = await api.invoke('analogy', { runId, a: ids[0], b: ids[1], c: ids[2] });
        await writeImages(flags.out, [...inputs, result]);
      });
    });
}
