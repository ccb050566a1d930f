import type { Command } from 'commander';
import { rankOutliers } from '../../latent/outliers.ts';
import { DEFAULT_OUTLIER_K } from '../../latent/robust.ts';
import { printJson, withDb } from '../context.ts';
import { parseCount, parseNumber, parseRunId } from '../support.ts';

/** `latent-lab outliers <run>`: items ranked by reconstruction error (VAEs: negative ELBO). */
export function register(program: Command): void {
  program
    .command('outliers')
    .description('items ranked by reconstruction error (VAE: negative ELBO), with a suggested threshold (median + k * 1.4826 * MAD)')
    .argument('<run>', 'run id')
    .option('--top <k>', 'how many items to list', '20')
    .option('--k <k>', 'robust standard deviations above the median for the threshold', String(DEFAULT_OUTLIER_K))
    .option('--json', 'print the report as JSON')
    .action(async (runRef: string, flags: { top: string; k: string; json?: boolean }, command: Command) => {
      const runId = parseRunId(runRef);
      const top = parseCount(flags.top, '--top');
      const k = parseNumber(flags.k, '--k');
      await withDb(command, (db) => {
        const report = rankOutliers(db, runId, top, k);
        if (flags.json) return printJson(report);
        process.stdout.write(
          `${report.scored} items scored by ${report.score}: median ${report.median.toPrecision(4)}, MAD ${report.mad.toPrecision(4)}, ` +
            `suggested threshold ${report.threshold.toPrecision(4)} (k = ${report.k}); ${report.aboveThreshold} above it\n`,
        );
        for (const item of report.items) {
          const flag = item.score > report.threshold ? '*' : ' ';
          process.stdout.write(`${String(item.rank).padStart(5)} ${flag} ${String(item.itemId).padStart(8)}  ${item.score.toPrecision(5).padStart(11)}  ${item.label ?? '-'}  ${item.path}\n`);
        }
      });
    });
}
