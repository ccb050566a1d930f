import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { parseChoice, parseRunId, progressBar } from '../support.ts';
import { exportEmbeddingsCsv, exportOutliersCsv } from '../../latent/export.ts';
import { openDbOf, printJson } from '../context.ts';

/** `latent-lab export <run> --out FILE.csv`: embeddings, projection and scores (or the outlier list) as CSV. */
export function register(program: Command): void {
  program
    .command('export')
    .description('write a run\'s codes, PCA x/y/z and scores per item to CSV (or, with --kind outliers, every scored item ranked, with all its outlier scores)')
    .argument('<run>', 'run id')
    .requiredOption('--out <file.csv>', 'CSV file to write')
    .option('--kind <kind>', 'embeddings or outliers', 'embeddings')
    .option('--json', 'print {path, rows} as JSON')
    .action(async (runRef: string, flags: { out: string; kind: string; json?: boolean }, command: Command) => {
      const runId = parseRunId(runRef);
      const kind = parseChoice(flags.kind, '--kind', ['embeddings', 'outliers'] as const);
      if (!flags.out.toLowerCase().endsWith('.csv')) throw new UserError(`--out must name a .csv file, got "${flags.out}"`);
      const db = openDbOf(command);
      const bar = progressBar('export');
      try {
        const written =
          kind === 'embeddings'
            ? await exportEmbeddingsCsv(db, runId, flags.out, { onProgress: (rows, total) => bar.update(rows / total) })
            : await exportOutliersCsv(db, runId, flags.out);
        bar.stop();
        if (flags.json) return printJson(written);
        process.stdout.write(`wrote ${written.rows} rows to ${written.path}\n`);
      } finally {
        bar.stop();
        db.close();
      }
    });
}
