import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { parseChoice, parseCount, parseRunId, progressBar } from '../support.ts';
import { exportEmbeddingsCsv, exportOutliersCsv } from '../../latent/export.ts';
import { openDbOf, printJson } from '../context.ts';

/** `latent-lab export <run> --out FILE.csv`: embeddings, projection and scores (or the outlier list) as CSV. */
export function register(program: Command): void {
  program
    .command('export')
    .description('write a run\'s codes, PCA x/y/z and scores per item to CSV (or, with --kind outliers, the outlier list)')
    .argument('<run>', 'run id')
    .requiredOption('--out <file.csv>', 'CSV file to write')
    .option('--kind <kind>', 'embeddings or outliers', 'embeddings')
    .option('--top <k>', 'outliers: how many of the highest-scoring items', '100')
    .option('--json', 'print {path, rows} as JSON')
    .action(async (runRef: string, flags: { out: string; kind: string; top: string; json?: boolean }, command: Command) => {
      const runId = parseRunId(runRef);
      const kind = parseChoice(flags.kind, '--kind', ['embeddings', 'outliers'] as const);
      if (!flags.out.toLowerCase().endsWith('.csv')) throw new UserError(`--out must name a .csv file, got "${flags.out}"`);
      const db = openDbOf(command);
      const bar = progressBar('export');
      try {
        const written =
          kind === 'embeddings'
            ? await exportEmbeddingsCsv(db, runId, flags.out, { onProgress: (rows, total) => bar.update(rows / total) })
            : await exportOutliersCsv(db, runId, flags.out, parseCount(flags.top, '--top'));
        bar.stop();
        if (flags.json) return printJson(written);
        process.stdout.write(`wrote ${written.rows} rows to ${written.path}\n`);
      } finally {
        bar.stop();
        db.close();
      }
    });
}
