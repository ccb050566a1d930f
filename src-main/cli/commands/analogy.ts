import type { Command } from 'commander';
import { analogy, reconstructions } from '../../latent/arithmetic.ts';
import { loadRunCodes } from '../../latent/codes.ts';
import { withDb } from '../context.ts';
import { parseRunId, resolveRunItem, withRunModel, writeImages } from '../support.ts';

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
      await withDb(command, (db) => {
        const ids = [a, b, c].map((ref) => resolveRunItem(db, runId, ref));
        const codes = loadRunCodes(db, runId);
        return withRunModel(db, runId, async (model) => {
          const inputs = reconstructions(db, model, codes, ids);
          const result = analogy(db, model, codes, ids[0], ids[1], ids[2]);
          const pixels = new Float32Array(inputs.pixels.length + result.pixels.length);
          pixels.set(inputs.pixels);
          pixels.set(result.pixels, inputs.pixels.length);
          await writeImages(flags.out, { ...result, n: 4, pixels });
        });
      });
    });
}
