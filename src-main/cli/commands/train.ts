import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { getDataset } from '../../dataset/queries.ts';
import { UserError } from '../../errors.ts';
import { MODEL_NAMES, type TrainOptions } from '../../engine/config.ts';
import type { RunSummary, TrainEvent } from '../../engine/events.ts';
import { launchTraining } from '../../engine/launcher.ts';
import { openStore } from '../../store/open.ts';
import { dbPathOf, printJson } from '../context.ts';
import { parseRunId } from '../support.ts';

interface TrainFlags extends Record<string, string | boolean | undefined> {
  json?: boolean;
  resume?: string;
  name?: string;
}

// Commander option name -> training config key.
const CONFIG_FLAGS: [flag: string, key: keyof TrainOptions, help: string][] = [
  ['--model <name>', 'model', `model family: ${MODEL_NAMES.join(', ')} (default ae)`],
  ['--latent <d>', 'latent', 'code size (default 32, or 8 for images under 256 pixels)'],
  ['--epochs <e>', 'epochs', 'training epochs (default 10; with --resume, the new total)'],
  ['--batch <b>', 'batch', 'batch size (default 128)'],
  ['--lr <rate>', 'lr', 'Adam learning rate (default 0.001)'],
  ['--loss <kind>', 'loss', 'bce or mse (default bce for VAEs, mse otherwise)'],
  ['--seed <s>', 'seed', 'seed for initial weights, shuffling and noise (default 1)'],
  ['--backend <name>', 'backend', 'auto, tensorflow, wasm or cpu (default auto)'],
  ['--hidden <widths>', 'hidden', 'dense widths from the input to the code, e.g. 512,128 (deep-ae, vae, cvae)'],
  ['--filters <widths>', 'filters', '3x3 stride-2 conv widths from the input, e.g. 32,64 (conv-ae, conv-vae)'],
  ['--activation <fn>', 'activation', 'hidden activation: relu, elu, tanh, sigmoid or linear (linear: a fully linear network)'],
  ['--beta <b>', 'beta', 'weight of the KL term (VAEs; default 1)'],
  ['--denoise <spec>', 'denoise', 'train on corrupted input: gaussian:SIGMA or mask:P'],
  ['--sparse <lambda>', 'sparse', 'L1 penalty on the code'],
  ['--contractive <lambda>', 'contractive', "penalty on the encoder Jacobian's Frobenius norm"],
  ['--pretrain <mode>', 'pretrain', 'none or layerwise (deep-ae)'],
  ['--pretrain-epochs <e>', 'pretrainEpochs', 'epochs per layer pair of layer-wise pretraining (default 1)'],
];

function camel(flag: string): string {
  return flag.replace(/^--/, '').split(' ')[0].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A dataset by id or by name. */
function resolveDataset(dbPath: string, ref: string): number {
  const db = openStore(dbPath);
  try {
    return getDataset(db, ref).id;
  } finally {
    db.close();
  }
}

const fmt = (v: number | null, digits = 4) => (v === null ? '-' : v.toPrecision(digits));

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The live view on stderr: a progress bar while batches run, one line per epoch. */
function progressView(): { onEvent(event: TrainEvent): void; close(): void } {
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
  const line = (text: string) => {
    if (active) {
      bar.stop();
      active = false;
    }
    process.stderr.write(text + '\n');
  };
  return {
    onEvent(event) {
      if (event.type === 'progress') {
        const payload = { epoch: event.epoch, epochs: event.epochs, loss: fmt(event.loss), speed: Math.round(event.samplesPerSecond), eta_total: duration(event.etaSeconds) };
        if (!active) {
          bar.start(event.batches, event.batch, payload);
          active = true;
        } else bar.update(event.batch, payload);
      } else if (event.type === 'epoch') {
        line(
          `epoch ${event.epoch}/${event.epochs}  train ${fmt(event.trainLoss)}  val ${fmt(event.valLoss)}  val mse ${fmt(event.valMse)}` +
            `${event.valKl === null ? '' : `  val kl ${fmt(event.valKl)}`}  ${Math.round(event.samplesPerSecond)} img/s`,
        );
      } else if (event.type === 'status') {
        line(event.status === 'running' && event.backend ? `training on ${event.backend}` : `run ${event.status}`);
      } else line(event.message);
    },
    close() {
      if (active) bar.stop();
    },
  };
}

function publicSummary(s: RunSummary) {
  return {
    run: s.run,
    dataset: s.dataset,
    model: s.model,
    backend: s.backend,
    status: s.status,
    epochs: s.epochs,
    seconds: s.seconds,
    samplesPerSecond: s.samplesPerSecond,
    trainLoss: s.trainLoss,
    valLoss: s.valLoss,
    valMse: s.valMse,
    valKl: s.valKl,
  };
}

/** `latent-lab train`: trains a model in a separate process, with a live view; Ctrl-C stops after the batch. */
export function register(program: Command): void {
  const command = program
    .command('train')
    .argument('[dataset]', 'dataset id or name (omit with --resume)')
    .description('train a model on a dataset (Ctrl-C stops after the current batch and saves)')
    .option('--resume <run>', 'continue a stopped or interrupted run from its last finished epoch')
    .option('--name <text>', 'a name for the run')
    .option('--json', 'print one JSON summary at the end');
  for (const [flag, , help] of CONFIG_FLAGS) command.option(flag, help);
  command.action(async (datasetRef: string | undefined, flags: TrainFlags, cmd: Command) => {
    const dbPath = dbPathOf(cmd);
    const config: TrainOptions = {};
    for (const [flag, key] of CONFIG_FLAGS) {
      const value = flags[camel(flag)];
      if (value !== undefined) config[key] = value;
    }
    const resume = flags.resume === undefined ? undefined : parseRunId(flags.resume);
    if (resume !== undefined && datasetRef !== undefined) throw new UserError('give either a dataset or --resume RUN, not both');
    if (resume === undefined) {
      if (datasetRef === undefined) throw new UserError('missing dataset: latent-lab train <dataset> [--model ...], or --resume RUN');
      config.model ??= 'ae';
    }
    const dataset = datasetRef === undefined ? undefined : resolveDataset(dbPath, datasetRef);
    const handle = launchTraining({ dbPath, dataset, config, resume, name: flags.name });
    const view = progressView();
    handle.onEvent((event) => view.onEvent(event));
    let stopping = false;
    const onSigint = () => {
      if (!stopping) process.stderr.write('\nstopping after this batch and saving (the run stays resumable)...\n');
      stopping = true;
      handle.stop();
    };
    process.on('SIGINT', onSigint);
    try {
      const summary = await handle.done;
      view.close();
      if (flags.json) printJson(publicSummary(summary));
      else {
        process.stdout.write(
          `run ${summary.run} ${summary.status}: ${summary.model} on ${summary.backend ?? '?'}, ${summary.epochs} epoch(s) in ${duration(summary.seconds)}; ` +
            `train loss ${fmt(summary.trainLoss)}, val mse ${fmt(summary.valMse)}\n`,
        );
      }
      if (summary.status === 'failed') throw new UserError(`run ${summary.run} failed: ${summary.error ?? 'unknown error'}`, 'train_failed');
      if (summary.status === 'interrupted') throw new UserError(`run ${summary.run} was interrupted (${summary.error}); resume it with --resume ${summary.run}`, 'interrupted');
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
