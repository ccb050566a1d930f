import { Option, type Command } from 'commander';
import { createRequire } from 'node:module';
import { DEFAULT_IMPORT_SIZE, type ApiEvents, type ApiInput, type ImportSummary } from '../../contract/contract.ts';
import { ApiCallError, UserError } from '../../errors.ts';
import { printJson, withApi } from '../context.ts';

interface ImportFlags {
  name?: string;
  size?: string;
  channels?: string;
  fit?: 'cover' | 'contain';
  background?: string;
  attributes?: string;
  json?: boolean;
}

function parseSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--size must be a whole number of pixels, not "${value}".`);
  return Number(value);
}

/** A progress bar on stderr (count, rate, ETA) that follows the import's phases. */
export function progressBar(): { onProgress: (p: ApiEvents['import.progress']) => void; stop: () => void } {
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
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
  const titles = { draw: 'drawing   ', decode: 'images    ', atlas: 'thumbnails' } as const;
  let phase = '';
  return {
    onProgress(p) {
      if (p.phase === 'scan') return;
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        bar.start(p.total, p.done, { phase: titles[p.phase], rate: 0 });
      }
      bar.update(p.done, { rate: Math.round(p.ratePerSecond ?? 0) });
    },
    stop: () => {
      if (phase) bar.stop();
      phase = '';
    },
  };
}

/**
 * Runs an import through the API and follows its events, with a progress bar
 * unless --json. Ctrl-C cancels the job cleanly (message on stderr, exit
 * status 130, null returned).
 */
export async function runImportCommand(command: Command, input: ApiInput<'startImport'>, json: boolean): Promise<ImportSummary | null> {
  return withApi(command, async (api) => {
    const bar = json ? null : progressBar();
    let jobId: string | null = null;
    const onSigint = () => {
      if (jobId === null) process.exit(130);
      process.stderr.write('\nstopping: saving what is done (press Ctrl-C again to quit at once)\n');
      void api.invoke('cancelImport', { jobId });
      jobId = null;
    };
    process.on('SIGINT', onSigint);
    let unsubscribe: () => void = () => undefined;
    try {
      const outcome = new Promise<ImportSummary>((resolve, reject) => {
        unsubscribe = api.events.subscribe((event) => {
          if (event.type === 'import.progress') bar?.onProgress(event.data);
          else if (event.type === 'import.finished') resolve(event.data.summary);
          else if (event.type === 'import.failed') reject(new ApiCallError(event.data.error.code, event.data.error.message));
        });
      });
      // one job per API here, so every import event is this job's (they start after the job id is returned)
      jobId = (await api.invoke('startImport', input)).jobId;
      return await outcome;
    } catch (error) {
      if (!(error instanceof ApiCallError && error.code === 'interrupted')) throw error;
      bar?.stop();
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 130;
      return null;
    } finally {
      unsubscribe();
      bar?.stop();
      process.off('SIGINT', onSigint);
    }
  });
}

const count = (n: number) => n.toLocaleString('en');

export function printSummary(summary: ImportSummary): void {
  const out = (line: string) => process.stdout.write(line + '\n');
  const { changes } = summary;
  out(`dataset     ${summary.datasetName} (id ${summary.dataset}), ${summary.size}x${summary.size}, ${summary.channels === 1 ? 'grayscale' : 'RGB'}, ${summary.fit}`);
  out(`items       ${summary.items} (${summary.added} added, ${summary.updated} changed, ${summary.unchanged} unchanged, ${summary.missing} missing)`);
  out(`labels      ${summary.labels.length ? summary.labels.join(', ') : '(none: images are directly in the folder)'}`);
  if (summary.attributes.length) out(`attributes  ${summary.attributes.join(', ')}`);
  if (summary.attributeMatch && (summary.attributeMatch.unmatchedRows || summary.attributeMatch.imagesWithoutRow)) {
    out(`            ${summary.attributeMatch.unmatchedRows} attribute row(s) matched no image; ${summary.attributeMatch.imagesWithoutRow} image(s) have no row`);
  }
  out(`formats     ${Object.entries(changes.formats).map(([format, n]) => `${format} ${count(n)}`).join(', ') || '-'}`);
  if (changes.transparent) {
    const mattes = Object.entries(changes.mattes).map(([matte, n]) => `${matte} ${count(n)}`).join(', ');
    out(`transparent ${count(changes.transparent)} image(s) had transparent pixels, composited onto ${mattes} (see --background)`);
  }
  const changed = [
    changes.upscaled && `${count(changes.upscaled)} upscaled (smaller than ${summary.size} px)`,
    changes.cropped && `${count(changes.cropped)} cropped (not square; --fit contain pads instead)`,
    changes.fromColour && `${count(changes.fromColour)} colour image(s) stored as grayscale`,
  ].filter(Boolean);
  if (changed.length) out(`changed     ${changed.join(', ')}`);
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
    .option('--name <name>', 'name of a new dataset, or of this folder\'s dataset to re-import (default: the folder name, with the size when the folder has a dataset already)')
    .option('--size <pixels>', `side of the stored square images (default ${DEFAULT_IMPORT_SIZE}); another size makes another dataset`)
    .addOption(new Option('--channels <n>', 'color channels to store (an alpha channel is composited, see --background)').choices(['1', '3', 'auto']).default('auto'))
    .addOption(new Option('--fit <mode>', 'cover crops to a square, contain pads').choices(['cover', 'contain']))
    .option('--background <colour>', 'what transparency (and contain\'s padding) becomes: white (default), black, gray, #rrggbb, or auto (per image, contrasting with its content)')
    .option('--attributes <file>', 'binary attributes: CSV (path,Attr1,...) or CelebA list_attr_celeba.txt')
    .option('--json', 'print one JSON summary instead of a progress bar and text')
    .action(async (folder: string, flags: ImportFlags, command: Command) => {
      const input: ApiInput<'startImport'> = {
        folder,
        name: flags.name,
        size: parseSize(flags.size),
        channels: flags.channels === '1' ? 1 : flags.channels === '3' ? 3 : 'auto',
        fit: flags.fit,
        background: flags.background,
        attributes: flags.attributes,
      };
      const summary = await runImportCommand(command, input, Boolean(flags.json));
      if (!summary) return;
      if (flags.json) printJson(summary);
      else printSummary(summary);
    });
}
