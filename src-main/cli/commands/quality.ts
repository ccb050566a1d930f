import type { Command } from 'commander';
import { printJson, withApi } from '../context.ts';
import { findDataset, parseCount } from '../support.ts';

/** `latent-lab quality <dataset>`: degenerate images (flat, dark, light, low information, blurry, upscaled, odd aspect). */
export function register(program: Command): void {
  program
    .command('quality')
    .description('degenerate images of a dataset: constant, dark, light, low information, blurry, upscaled tiny originals, extreme aspect ratios')
    .argument('<dataset>', 'dataset name or id')
    .option('--top <k>', 'how many flagged items to list per check', '10')
    .option('--json', 'print {checks: [{name, description, count, items: [{id, path, value}]}]} as JSON')
    .action(async (ref: string, flags: { top: string; json?: boolean }, command: Command) => {
      const top = parseCount(flags.top, '--top');
      const report = await withApi(command, async (api) => api.invoke('quality', { datasetId: (await findDataset(api, ref)).id }));
      if (flags.json) return printJson(report);
      process.stdout.write(`${report.checked} images checked\n${'check'.padEnd(16)} ${'count'.padStart(6)}  what it means\n`);
      for (const check of report.checks) process.stdout.write(`${check.name.padEnd(16)} ${String(check.count).padStart(6)}  ${check.description}\n`);
      for (const check of report.checks.filter((c) => c.count > 0)) {
        process.stdout.write(`\n${check.name}\n${'item'.padStart(8)}  ${'value'.padStart(8)}  path\n`);
        for (const item of check.items.slice(0, top)) process.stdout.write(`${String(item.id).padStart(8)}  ${String(item.value).padStart(8)}  ${item.path}\n`);
      }
    });
}
