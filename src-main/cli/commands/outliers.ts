import type { Command } from 'commander';
import { outlierScoreNames } from '../../contract/contract.ts';
import { DEFAULT_OUTLIER_K } from '../../latent/robust.ts';
import { printJson, withApi } from '../context.ts';
import { parseChoice, parseCount, parseNumber, parseRunId } from '../support.ts';

/** `latent-lab outliers <run> [--score NAME]`: items ranked by an outlier score. */
export function register(program: Command): void {
  program
    .command('outliers')
    .description('items ranked by an outlier score (default: combined), with a suggested threshold (median + k * 1.4826 * MAD of that score)')
    .argument('<run>', 'run id')
    .option('--score <name>', `${outlierScoreNames.join(', ')} (neg_elbo: VAEs only)`, 'combined')
    .option('--top <k>', 'how many items to list', '20')
    .option('--k <k>', 'robust standard deviations above the median for the threshold', String(DEFAULT_OUTLIER_K))
    .option('--json', 'print the report as JSON')
    .action(async (runRef: string, flags: { score: string; top: string; k: string; json?: boolean }, command: Command) => {
      const runId = parseRunId(runRef);
      const score = parseChoice(flags.score, '--score', outlierScoreNames);
      const top = parseCount(flags.top, '--top');
      const k = parseNumber(flags.k, '--k');
      const report = await withApi(command, (api) => api.invoke('outliers', { runId, score, top, k }));
      if (flags.json) return printJson(report);
      process.stdout.write(
        `${report.scored} items scored by ${report.score}: median ${report.median.toPrecision(4)}, MAD ${report.mad.toPrecision(4)}, ` +
          `suggested threshold ${report.threshold.toPrecision(4)} (k = ${report.k}); ${report.aboveThreshold} above it (*)\n`,
      );
      process.stdout.write(`${'rank'.padStart(5)}   ${'item'.padStart(8)}  ${'score'.padStart(11)}  ${'recon_error'.padStart(11)}  label  path\n`);
      for (const item of report.items) {
        const flag = item.score > report.threshold ? '*' : ' ';
        process.stdout.write(
          `${String(item.rank).padStart(5)} ${flag} ${String(item.itemId).padStart(8)}  ${item.score.toPrecision(5).padStart(11)}  ${item.reconError.toPrecision(4).padStart(11)}  ${item.label ?? '-'}  ${item.path}\n`,
        );
      }
    });
}
