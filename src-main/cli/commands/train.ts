import { createRequire } from 'node:module';
import type { Command } from 'commander';
import type { Api } from '../../api/create-api.ts';
import type { ApiEvent, RunDetail } from '../../contract/contract.ts';
import { flagOf, TRAIN_OPTION_SPECS, type TrainOptions, type TrainOptionSpec } from '../../contract/train-config.ts';
import { UserError } from '../../errors.ts';
import { printJson, withApi } from '../context.ts';
import { parseRunId } from '../support.ts';

const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '-' : v.toPrecision(digits));

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Help text of a flag, made from the option's schema: what it does, its choices and its default. */
function flagHelp(spec: TrainOptionSpec): string {
  const choices = spec.choices ? ` (${spec.choices.join(', ')})` : '';
  const fallback = spec.fixed !== undefined ? `; default ${spec.fixed}` : spec.auto ? `; default: ${spec.auto}` : '';
  const models = spec.models ? `; for ${spec.models.join(', ')}` : '';
  return `${spec.help}${choices}${fallback}${models}`;
}

/** The live view on stderr: a progress bar while batches run, one line per epoch and per trainer message. */
function progressView(runId: () => number | null): { onEvent(event: ApiEvent): void; close(): void } {
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'epoch {epoch}/{epochs} [{bar}] batch {value}/{total} | loss {loss} | {speed} img/s | ETA {eta_total}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  let epochs = 0;
  const line = (text: string) => {
    if (active) {
      bar.stop();
      active = false;
    }
    process.stderr.write(text + '\n');
  };
  return {
    onEvent({ type, data }) {
      if (!('runId' in data) || data.runId !== runId()) return;
      if (type === 'train.progress') {
        epochs = data.epochs;
        const payload = { epoch: data.epoch, epochs: data.epochs, loss: fmt(data.loss), speed: Math.round(data.samplesPerSecond ?? 0), eta_total: duration(data.etaSeconds) };
        if (!active) {
          bar.start(data.batches, data.batch, payload);
          active = true;
        } else bar.update(data.batch, payload);
      } else if (type === 'train.epoch') {
        line(
          `epoch ${data.epoch}${epochs ? `/${epochs}` : ''}  train ${fmt(data.trainLoss)}  val ${fmt(data.valLoss)}  val mse ${fmt(data.valMse)}` +
            `${data.valKl === null ? '' : `  val kl ${fmt(data.valKl)}`}  ${Math.round(data.samplesPerSecond ?? 0)} img/s`,
        );
      } else if (type === 'train.log') line(data.message);
      else if (type === 'run.status') line(data.status === 'running' && data.backend ? `training on ${data.backend}${data.note ? ` (${data.note})` : ''}` : `run ${data.status}`);
    },
    close() {
      if (active) bar.stop();
    },
  };
}

/** The --json summary: what ran, how it ended, and the figures of the epoch it kept. */
function publicSummary(run: RunDetail) {
  const speeds = run.metrics.filter((m) => m.samplesPerSecond !== null && m.seconds);
  const seconds = speeds.reduce((sum, m) => sum + m.seconds!, 0);
  return {
    run: run.id,
    dataset: run.datasetId,
    model: run.model,
    recipe: (run.config.recipe as string | null | undefined) ?? null,
    latent: run.config.latent,
    backend: run.backend,
    status: run.status,
    epochs: run.epochsDone,
    stopReason: run.outcome?.stopReason ?? null,
    stopMessage: run.outcome?.message ?? null,
    bestEpoch: run.outcome?.bestEpoch ?? null,
    seconds: run.seconds,
    samplesPerSecond: seconds > 0 ? speeds.reduce((sum, m) => sum + m.samplesPerSecond! * m.seconds!, 0) / seconds : null,
    trainLoss: run.last?.trainLoss ?? null,
    valLoss: run.last?.valLoss ?? null,
    valMse: run.last?.valMse ?? null,
    valKl: run.last?.valKl ?? null,
    ...(run.outcome?.activeDims === undefined ? {} : { activeDims: run.outcome.activeDims, klPerDim: run.outcome.klPerDim, warning: run.outcome.warning ?? null }),
    config: run.config,
  };
}

/** A dataset by id or by name. */
async function datasetId(api: Api, ref: string): Promise<number> {
  const datasets = await api.invoke('listDatasets', {});
  const found = datasets.find((d) => String(d.id) === ref || d.name === ref);
  if (!found) throw new UserError(`There is no dataset "${ref}"; \`latent-lab datasets\` lists them.`, 'not_found');
  return found.id;
}

const FINISHED = new Set(['completed', 'stopped', 'failed', 'interrupted']);

/** Trains through the API and resolves with the run when the trainer has finished; Ctrl-C asks the API to stop it. */
async function trainThroughApi(api: Api, start: () => Promise<{ runId: number }>): Promise<RunDetail> {
  let runId: number | null = null;
  const view = progressView(() => runId);
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stopListening = api.events.subscribe((event) => {
    view.onEvent(event);
    if (event.type === 'run.status' && event.data.runId === runId && FINISHED.has(event.data.status)) finish();
  });
  let stopping = false;
  const onSigint = () => {
    if (runId === null) return;
    if (!stopping) process.stderr.write('\nstopping after this batch and saving (the run stays resumable)...\n');
    stopping = true;
    void api.invoke('stopTraining', { runId });
  };
  process.on('SIGINT', onSigint);
  try {
    runId = (await start()).runId;
    await finished;
    return await api.invoke('getRun', { runId });
  } finally {
    process.off('SIGINT', onSigint);
    stopListening();
    view.close();
  }
}

/** `latent-lab train`: a client of the API's startTraining/resumeTraining, with a live view; Ctrl-C stops after the batch. */
export function register(program: Command): void {
  const command = program
    .command('train')
    .argument('[dataset]', 'dataset id or name (omit with --resume)')
    .description('train a model on a dataset; with no --model, the recipe recommended for its images (Ctrl-C stops after the current batch and saves)')
    .option('--resume <run>', 'continue a stopped or interrupted run from its last finished epoch (--epochs N: the new total)')
    .option('--json', 'print one JSON summary at the end');
  for (const spec of TRAIN_OPTION_SPECS) command.option(`${flagOf(spec.key)} <${spec.kind === 'widths' ? 'widths' : 'value'}>`, flagHelp(spec));
  command.action(async (datasetRef: string | undefined, flags: Record<string, string | boolean | undefined>, cmd: Command) => {
    const config: TrainOptions = {};
    for (const spec of TRAIN_OPTION_SPECS) {
      const value = flags[spec.key];
      if (value !== undefined) config[spec.key] = value;
    }
    const resume = typeof flags.resume === 'string' ? parseRunId(flags.resume) : undefined;
    if (resume !== undefined && datasetRef !== undefined) throw new UserError('give either a dataset or --resume RUN, not both');
    if (resume === undefined && datasetRef === undefined) throw new UserError('missing dataset: latent-lab train <dataset> [--model ...], or --resume RUN');
    const run = await withApi(cmd, (api) =>
      trainThroughApi(api, async () => {
        if (resume !== undefined) {
          const { epochs, backend, ...rest } = config;
          const other = Object.keys(rest);
          if (other.length > 0) throw new UserError(`--resume continues run ${resume} with its own settings; only --epochs and --backend can change (not ${other.map(flagOf).join(', ')}).`, 'bad_config');
          return api.invoke('resumeTraining', { runId: resume, epochs: epochs as never, backend: backend as never });
        }
        return api.invoke('startTraining', { datasetId: await datasetId(api, datasetRef!), config: config as never });
      }),
    );
    if (flags.json) printJson(publicSummary(run));
    else {
      const s = publicSummary(run);
      process.stdout.write(
        `run ${s.run} ${s.status}: ${s.model} ${s.latent}-D on ${s.backend ?? '?'}, ${s.epochs} epoch(s) in ${duration(s.seconds)}; ` +
          `val mse ${fmt(s.valMse)}${s.bestEpoch !== null && s.bestEpoch !== s.epochs ? ` (epoch ${s.bestEpoch}, kept)` : ''}\n` +
          (s.recipe ? `recipe: ${s.recipe}\n` : '') +
          (s.stopMessage ? `${s.stopMessage}\n` : '') +
          ('activeDims' in s ? `active latent dimensions: ${s.activeDims} of ${s.latent}\n` : ''),
      );
    }
    if (run.status === 'failed') throw new UserError(`run ${run.id} failed: ${run.error ?? 'unknown error'}`, 'train_failed');
    if (run.status === 'interrupted') throw new UserError(`run ${run.id} was interrupted (${run.error}); resume it with --resume ${run.id}`, 'interrupted');
  });
}
