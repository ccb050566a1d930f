import type { Command } from 'commander';
import { loadRunCodes } from '../../latent/codes.ts';
import { manifoldGrid, sampleImages } from '../../latent/samples.ts';
import { withDb } from '../context.ts';
import { parseCount, parseRunId, withRunModel, writeImages } from '../support.ts';

interface Flags {
  n: string;
  label?: string;
  seed: string;
  manifold?: string | boolean;
  out: string;
}

/** `latent-lab sample <run>`: images decoded from prior samples, or the 2-D manifold grid. */
export function register(program: Command): void {
  program
    .command('sample')
    .description('decode samples from the prior (VAE; per class for a CVAE) into a PNG grid, or the 2-D latent manifold')
    .argument('<run>', 'run id')
    .requiredOption('--out <file.png>', 'PNG grid to write')
    .option('--n <n>', 'samples (per label for a CVAE without --label)', '16')
    .option('--label <label>', 'CVAE: the class to sample')
    .option('--seed <s>', 'random seed', '0')
    .option('--manifold [steps]', 'instead: the decoded steps x steps grid over a 2-D latent (default 10)')
    .action(async (runRef: string, flags: Flags, command: Command) => {
      const runId = parseRunId(runRef);
      await withDb(command, (db) => {
        const codes = loadRunCodes(db, runId);
        return withRunModel(db, runId, async (model) => {
          if (flags.manifold !== undefined) {
            const steps = flags.manifold === true ? 10 : parseCount(flags.manifold as string, '--manifold', 2);
            await writeImages(flags.out, manifoldGrid(model, codes, steps, flags.label), { columns: steps, gap: 0 });
            return;
          }
          const n = parseCount(flags.n, '--n');
          const samples = sampleImages(model, codes, n, { label: flags.label, seed: parseCount(flags.seed, '--seed', 0) });
          const perLabelRows = model.conditional && flags.label === undefined;
          await writeImages(flags.out, samples, { columns: perLabelRows ? n : Math.ceil(Math.sqrt(samples.n)) });
          if (samples.source === 'fitted-gaussian') process.stdout.write(`run ${runId} (${model.model}) has no prior: sampled a Gaussian fitted to its codes\n`);
        });
      });
    });
}
