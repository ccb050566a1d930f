import type { Command } from 'commander';
import { withApi } from '../context.ts';
import { parseCount, parseRunId, writeImages } from '../support.ts';

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
      await withApi(command, async (api) => {
        if (flags.manifold !== undefined) {
          const steps = flags.manifold === true ? 10 : parseCount(flags.manifold as string, '--manifold', 2);
          const grid = await api.invoke('manifold', { runId, steps, label: flags.label });
          await writeImages(flags.out, grid.images, { columns: steps, gap: 0 });
          return;
        }
        const n = parseCount(flags.n, '--n');
        const samples = await api.invoke('samples', { runId, n, label: flags.label, seed: parseCount(flags.seed, '--seed', 0) });
        const perLabelRows = samples.labels.length > 0 && flags.label === undefined;
        await writeImages(flags.out, samples.images, { columns: perLabelRows ? n : Math.ceil(Math.sqrt(samples.images.length)) });
        if (samples.source === 'fitted-gaussian') process.stdout.write(`run ${runId} has no prior: sampled a Gaussian fitted to its codes\n`);
      });
    });
}
