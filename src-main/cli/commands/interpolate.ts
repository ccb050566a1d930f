import type { Command } from 'commander';
import { withApi } from '../context.ts';
import { itemIds, parseChoice, parseCount, parseRunId, writeImages } from '../support.ts';

/** `latent-lab interpolate <run> --from A --to B`: the decoded walk between two items as a PNG strip. */
export function register(program: Command): void {
  program
    .command('interpolate')
    .description('decode the latent line between two items (lerp or slerp) into a PNG strip')
    .argument('<run>', 'run id')
    .requiredOption('--from <item>', 'start item: id or path relative to the dataset folder')
    .requiredOption('--to <item>', 'end item: id or path')
    .requiredOption('--out <file.png>', 'PNG strip to write')
    .option('--steps <n>', 'images including both ends', '8')
    .option('--method <method>', 'lerp or slerp', 'slerp')
    .action(async (runRef: string, flags: { from: string; to: string; out: string; steps: string; method: string }, command: Command) => {
      const runId = parseRunId(runRef);
      const steps = parseCount(flags.steps, '--steps', 2);
      const method = parseChoice(flags.method, '--method', ['lerp', 'slerp'] as const);
      await withApi(command, async (api) => {
        const [from, to] = await itemIds(api, runId, [flags.from, flags.to]);
        const walk = await api.invoke('interpolate', { runId, from, to, steps, method });
        await writeImages(flags.out, walk.images);
      });
    });
}
