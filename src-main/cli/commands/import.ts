import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { DEFAULT_SIZE, importFolder, type ImportOptions, type ImportProgress, type ImportSummary } from '../../dataset/import.ts';
import { UserError } from '../../errors.ts';
import { dbPathOf, printJson } from '../context.ts';

interface ImportFlags {
  name?: string;
  size?: string;
  channels?: string;
  fit?: 'cover' | 'contain';
  attributes?: string;
  json?: boolean;
}

function parseSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--size must be a whole number of pixels, not "${value}".`);
  return Number(value);
}

/** A progress bar on stderr (count, rate, ETA) that follows the import's phases. */
export function progressBar(): { onProgress: (p: ImportProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  let started = performance.now();
  return {
    onProgress(p) {
      if (p.phase === 'scan') return;
      const rate = () => Math.round(p.done / Math.max(1e-3, (performance.now() - started) / 1000));
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        started = performance.now();
        bar.start(p.total, p.done, { phase: p.phase === 'decode' ? 'images    ' : 'thumbnails', rate: 0 });
      }
      bar.update(p.done, { rate: rate() });
    },
    stop: () => {
      if (phase) bar.stop();
      phase = '';
    },
  };
}

/**
 * Runs an import with Ctrl-C turned into a clean stop (message on stderr,
 * exit status 130, null returned), and a progress bar unless --json.
 */
export async function runImportCommand(options: ImportOptions, json: boolean): Promise<ImportSummary | null> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: saving what is done (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = json ? null : progressBar();
  try {
    return await importFolder({ ...options, signal: controller.signal, onProgress: bar?.onProgress });
  } catch (error) {
    if (!(error instanceof UserError && error.code === 'interrupted')) throw error;
    bar?.stop();
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 130;
    return null;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

export function printSummary(summary: ImportSummary): void {
  const out = (line: string) => process.stdout.write(line + '\n');
  out(`dataset     ${summary.datasetName} (id ${summary.dataset}), ${summary.size}x${summary.size}, ${summary.channels === 1 ? 'grayscale' : 'RGB'}, ${summary.fit}`);
  out(`items       ${summary.items} (${summary.added} added, ${summary.updated} changed, ${summary.unchanged} unchanged, ${summary.missing} missing)`);
  out(`labels      ${summary.labels.length ? summary.labels.join(', ') : '(none: images are directly in the folder)'}`);
  if (summary.attributes.length) out(`attributes  ${summary.attributes.join(', ')}`);
  if (summary.attributeMatch && (summary.attributeMatch.unmatchedRows || summary.attributeMatch.imagesWithoutRow)) {
    out(`            ${summary.attributeMatch.unmatchedRows} attribute row(s) matched no image; ${summary.attributeMatch.imagesWithoutRow} image(s) have no row`);
  }
  if (summary.duplicates.length) out(`duplicates  ${summary.duplicates.length} file(s) have the same content as another (all imported), e.g. ${summary.duplicates[0].path} = ${summary.duplicates[0].sameAs}`);
  out(`time        ${summary.seconds.toFixed(1)} s`);
  if (summary.skipped.length) {
    out(`skipped     ${summary.skipped.length}:`);
    for (const s of summary.skipped) out(`  ${s.path}: ${s.reason}`);
  }
}

/** `latent-lab import <folder>`: add or refresh a folder of images as a dataset. */
export function register(program: Command): void {
  program
    .command('import')
    .description('import a folder of images (subfolder names become labels); re-running it is incremental')
    .argument('<folder>', 'folder of images, searched recursively')
    .option('--name <name>', 'dataset name (default: the folder name)')
    .option('--size <pixels>', `side of the stored square images (default ${DEFAULT_SIZE})`)
    .addOption(new Option('--channels <n>', 'color channels to store').choices(['1', '3', 'auto']).default('auto'))
    .addOption(new Option('--fit <mode>', 'cover crops to a square, contain pads').choices(['cover', 'contain']))
    .option('--attributes <file>', 'binary attributes: CSV (path,Attr1,...) or CelebA list_attr_celeba.txt')
    .option('--json', 'print one JSON summary instead of a progress bar and text')
    .action(async (folder: string, flags: ImportFlags, command: Command) => {
      const summary = await runImportCommand(
        {
          dbPath: dbPathOf(command),
          folder,
          name: flags.name,
          size: parseSize(flags.size),
          channels: flags.channels === '1' ? 1 : flags.channels === '3' ? 3 : 'auto',
          fit: flags.fit,
          attributes: flags.attributes,
        },
        Boolean(flags.json),
      );
      if (!summary) return;
      if (flags.json) printJson(summary);
      else printSummary(summary);
    });
}
