import type { Command } from 'commander';
import { parseChoice, parseCount, parseList, parseNumber, parseRunId, progressBar } from '../support.ts';
import { getProjection, type ProjectionRequest } from '../../latent/projections.ts';
import { openDbOf, printJson } from '../context.ts';

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
      let request: ProjectionRequest;
      if (method === 'raw') request = { method, dims: flags.dims ? parseList(flags.dims).map((d) => parseCount(d, '--dims', 0)) : undefined };
      else if (method === 'umap') {
        request = {
          method,
          params: {
            seed: flags.seed === undefined ? undefined : parseCount(flags.seed, '--seed', 0),
            nNeighbors: flags.neighbors === undefined ? undefined : parseCount(flags.neighbors, '--neighbors', 2),
            minDist: flags.minDist === undefined ? undefined : parseNumber(flags.minDist, '--min-dist'),
          },
        };
      } else request = { method };
      const db = openDbOf(command);
      const bar = progressBar(method);
      const started = performance.now();
      try {
        const projection = await getProjection(db, runId, request, { onProgress: (phase, fraction) => bar.update(fraction, phase) });
        bar.stop();
        if (flags.json) {
          return printJson({ runId, method, params: projection.params, cached: projection.cached, itemIds: Array.from(projection.itemIds), coords: Array.from(projection.coords) });
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `${method} projection of run ${runId}: ${projection.itemIds.length} items, ${projection.cached ? 'read from the store' : `computed in ${seconds} s and stored`}\n` +
            `params ${JSON.stringify(projection.params)}\n`,
        );
      } finally {
        bar.stop();
        db.close();
      }
    });
}
