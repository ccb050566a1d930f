import path from 'node:path';
import type { Command } from 'commander';
import { outlierScoreNames, type ApiInput } from '../../contract/contract.ts';
import { UserError } from '../../errors.ts';
import { withApi, printJson } from '../context.ts';
import { copyItemImages } from '../copy-images.ts';
import { parseChoice, parseCount, parseList, parseNumber, parseRunId } from '../support.ts';

interface Flags {
  out: string;
  kind: string;
  score: string;
  projection: string;
  dims?: string;
  seed?: string;
  neighbors?: string;
  minDist?: string;
  items?: string;
  set?: string;
  raw?: boolean;
  images?: string;
  json?: boolean;
}

/** `latent-lab export <run> --out FILE.csv`: embeddings, a projection and scores (or the outlier list) as CSV, through the API. */
export function register(program: Command): void {
  program
    .command('export')
    .description("write a run's codes, projection x/y/z and scores per item to CSV (or, with --kind outliers, the outlier list)")
    .argument('<run>', 'run id')
    .requiredOption('--out <file.csv>', 'CSV file to write')
    .option('--kind <kind>', 'embeddings or outliers', 'embeddings')
    .option('--projection <method>', 'x, y, z from pca, umap or raw latent dimensions (as `project --method`)', 'pca')
    .option('--dims <a,b,c>', 'raw: latent dimensions for x, y, z (default 0,1,2)')
    .option('--seed <s>', 'umap: random seed (default 42)')
    .option('--neighbors <k>', 'umap: neighbours per point (default 15)')
    .option('--min-dist <d>', 'umap: minimum distance between embedded points (default 0.1)')
    .option('--items <id,id>', 'only these items (ids)')
    .option('--set <name>', 'only the items of this saved set')
    .option('--images <dir>', 'also copy the exported items\' original image files into this folder (their relative paths kept)')
    .option('--raw', 'keep text byte for byte: no quote before cells a spreadsheet would run as formulas')
    .option('--score <name>', `outliers: the score that ranks every scored item (${outlierScoreNames.join(', ')})`, 'combined')
    .option('--json', 'print {path, rows} as JSON')
    .action(async (runRef: string, flags: Flags, command: Command) => {
      const runId = parseRunId(runRef);
      const kind = parseChoice(flags.kind, '--kind', ['embeddings', 'outliers'] as const);
      if (!flags.out.toLowerCase().endsWith('.csv')) throw new UserError(`--out must name a .csv file, got "${flags.out}"`);
      if (flags.items !== undefined && flags.set !== undefined) throw new UserError('give either --items or --set, not both');
      if (kind === 'outliers' && (flags.items ?? flags.set ?? flags.images) !== undefined) throw new UserError('--items, --set and --images go with --kind embeddings');
      const input: ApiInput<'exportCsv'> = {
        runId,
        kind,
        projection: projectionOf(flags),
        items: flags.items === undefined ? undefined : parseList(flags.items).map((id) => parseCount(id, '--items')),
        set: flags.set,
        score: parseChoice(flags.score, '--score', outlierScoreNames),
        raw: flags.raw ?? false,
      };
      // The API writes only where its host's Save dialog says: for the command line, that is --out.
      const saveTo = { pickSaveFile: () => Promise.resolve(path.resolve(flags.out)) };
      await withApi(command, async (api) => {
        const written = (await api.invoke('exportCsv', input))!;
        const copied = flags.images === undefined ? null : await copyItemImages(api, runId, flags.images, { items: input.items, set: flags.set });
        if (flags.json) return printJson(copied ? { ...written, images: copied } : written);
        process.stdout.write(`wrote ${written.rows} rows to ${written.path}\n`);
        if (copied) process.stdout.write(`copied ${copied.copied} images to ${flags.images}${copied.missing.length ? `; ${copied.missing.length} missing: ${copied.missing.slice(0, 5).join(', ')}` : ''}\n`);
      }, saveTo);
    });
}

function projectionOf(flags: Flags): ApiInput<'exportCsv'>['projection'] {
  const method = parseChoice(flags.projection, '--projection', ['pca', 'umap', 'raw'] as const);
  return {
    method,
    dims: flags.dims === undefined ? undefined : parseList(flags.dims).map((d) => parseCount(d, '--dims', 0)),
    seed: flags.seed === undefined ? undefined : parseCount(flags.seed, '--seed', 0),
    neighbours: flags.neighbors === undefined ? undefined : parseCount(flags.neighbors, '--neighbors', 2),
    minDist: flags.minDist === undefined ? undefined : parseNumber(flags.minDist, '--min-dist'),
  };
}
