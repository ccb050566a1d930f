import type { Command } from 'commander';
import { printJson, withApi } from '../context.ts';
import { parseChoice, parseCount, parseList, parseNumber, parseRunId, progressBar } from '../support.ts';

interface Flags {
  method: string;
  dims?: string;
  seed?: string;
  neighbors?: string;
  minDist?: string;
  json?: boolean;
}

/** `latent-lab project <run>`: 3-D coordinates of every item (PCA, UMAP or raw dimensions), stored for reuse. */
export function register(program: Command): void {
  program
    .command('project')
    .description("compute (or reuse) a run's 3-D projection: pca, umap or raw latent dimensions")
    .argument('<run>', 'run id')
    .option('--method <method>', 'pca, umap or raw', 'pca')
    .option('--dims <a,b,c>', 'raw: latent dimensions for x, y, z (default 0,1,2)')
    .option('--seed <s>', 'umap: random seed (default 42)')
    .option('--neighbors <k>', 'umap: neighbours per point (default 15)')
    .option('--min-dist <d>', 'umap: minimum distance between embedded points (default 0.1)')
    .option('--json', 'print {method, params, itemIds, coords} as one JSON object')
    .action(async (runRef: string, flags: Flags, command: Command) => {
      const runId = parseRunId(runRef);
      const method = parseChoice(flags.method, '--method', ['pca', 'umap', 'raw'] as const);
      const optional = <T>(value: string | undefined, parse: (v: string) => T) => (value === undefined ? undefined : parse(value));
      const input = {
        runId,
        method,
        dims: optional(flags.dims, (d) => parseList(d).map((dim) => parseCount(dim, '--dims', 0))),
        seed: optional(flags.seed, (s) => parseCount(s, '--seed', 0)),
        neighbours: optional(flags.neighbors, (k) => parseCount(k, '--neighbors', 2)),
        minDist: optional(flags.minDist, (d) => parseNumber(d, '--min-dist')),
      };
      const bar = progressBar(method);
      const started = performance.now();
      await withApi(command, async (api) => {
        api.events.subscribe((event) => event.type === 'project.progress' && bar.update(event.data.fraction, event.data.phase));
        const projection = await api.invoke('project', input).finally(() => bar.stop());
        if (flags.json) return printJson(projection);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(`${method} projection of run ${runId}: ${projection.itemIds.length} items in ${seconds} s (stored for reuse)\nparams ${JSON.stringify(projection.params)}\n`);
      });
    });
}
