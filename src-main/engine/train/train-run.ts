import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../errors.ts';
import { inTransaction, type Db } from '../../store/open.ts';
import { useTrainingBackend } from '../backend.ts';
import type { ImageShape, TrainConfig } from '../config.ts';
import type { RunOutcome } from '../../contract/contract.ts';
import type { EpochMetrics, RunSummary } from '../../contract/contract.ts';
import type { TrainEvent } from '../events.ts';
import { familyOf } from '../models/registry.ts';
import type { Autoencoder, ModelFamily } from '../models/types.ts';
import { readRun } from '../run-record.ts';
import { runSummary } from '../runs.ts';
import { recordEpochsDone, setRunStatus, updateRunConfig, writeMetrics, writeOutcome } from '../../store/runs.ts';
import { loadModelPart, modelRow, optimizerRow, restoreOptimizer } from '../weights-store.ts';
import { storedWeightsEpoch, writeWeights } from '../../store/weights.ts';
import { makeBatch } from './batches.ts';
import { BatchReader, loadItems, openPixels, type ItemSet } from './data-source.ts';
import { embedAll } from './embed.ts';
import { evaluate } from './evaluate.ts';
import { fitPca } from './fit-pca.ts';
import { objective, trainableVariables } from './objective.ts';
import { pretrainLayerwise } from './pretrain.ts';
import { WeightsSnapshot } from './best-weights.ts';
import { CheckpointPacer } from './checkpoint-pacer.ts';
import { klWeight, learningRate, patience } from './schedule.ts';
import { epochOrder } from './shuffle.ts';
import { FusedAdam } from './fused-adam.ts';

export interface TrainHooks {
  emit(event: TrainEvent): void;
  /** Polled after every batch; true finishes the batch, saves and stops. */
  shouldStop(): boolean;
}

// Progress (and the one loss read it needs) about this many times per epoch.
const REPORTS_PER_EPOCH = 40;

interface Session {
  db: Db;
  runId: number;
  config: TrainConfig;
  family: ModelFamily;
  shape: ImageShape;
  model: Autoencoder;
  hooks: TrainHooks;
  /** Epochs the schedule is laid over: config.epochs, fewer when the time bound needs it. */
  plannedEpochs: number;
}

// The rate tfjs' Adam reads at each step (no public setter; the schedule sets it before each batch).
function setLearningRate(optimizer: tf.AdamOptimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

/** Writes the weights (and optimizer state), the metrics of the epochs since the last save and the run's progress, in one transaction. */
async function saveEpoch(s: Session, optimizer: tf.Optimizer | null, metrics: EpochMetrics[], epochsDone: number, seconds: number): Promise<void> {
  const rows = [await modelRow(s.model.encoder, 'encoder'), await modelRow(s.model.decoder, 'decoder')];
  if (optimizer) rows.push(await optimizerRow(optimizer));
  inTransaction(s.db, () => {
    writeWeights(s.db, s.runId, epochsDone, rows);
    writeMetrics(s.db, s.runId, metrics);
    recordEpochsDone(s.db, s.runId, epochsDone, seconds);
  });
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One pass over the training set; returns the mean batch loss, or null when stopped part-way. */
async function trainEpoch(s: Session, optimizer: tf.AdamOptimizer, reader: BatchReader, items: ItemSet, epoch: number, started: number): Promise<{ loss: number | null; samples: number }> {
  const { config, hooks } = s;
  const order = epochOrder(reader.length, config.seed, epoch);
  const batches = Math.ceil(order.length / config.batch);
  const totalSteps = s.plannedEpochs * batches;
  const reportEvery = Math.max(1, Math.floor(batches / REPORTS_PER_EPOCH));
  const vars = trainableVariables(s.model);
  let sum: tf.Tensor = tf.scalar(0);
  let samples = 0;
  try {
    for (let b = 0; b < batches; b++) {
      const positions = order.subarray(b * config.batch, Math.min(order.length, (b + 1) * config.batch));
      const stepSeed = config.seed * 1_000_003 + epoch * 100_003 + b;
      const step = (epoch - 1) * batches + b;
      setLearningRate(optimizer, learningRate(config.lr, step, totalSteps));
      const beta = klWeight(config.beta, config.klWarmup, step, totalSteps);
      const cost = tf.tidy(() => {
        const batch = makeBatch(reader, items, positions, s.shape, config.labels.length);
        return optimizer.minimize(() => objective(s.model, s.family, config, batch, true, stepSeed, beta).loss, true, vars)!;
      });
      const next = sum.add(cost);
      sum.dispose();
      cost.dispose();
      sum = next;
      samples += positions.length;
      // Let the event loop deliver messages (a stop request) between batches.
      await yieldToEventLoop();
      const stopping = hooks.shouldStop();
      if ((b + 1) % reportEvery === 0 || b + 1 === batches || stopping) {
        const loss = (await sum.data())[0] / (b + 1);
        if (!Number.isFinite(loss)) {
          throw new UserError(`The loss became ${loss} in epoch ${epoch}, batch ${b + 1}; try a lower --lr (now ${config.lr}).`, 'diverged');
        }
        const elapsed = (performance.now() - started) / 1000;
        const samplesPerSecond = samples / Math.max(elapsed, 1e-9);
        const remaining = order.length - samples + (s.plannedEpochs - epoch) * order.length;
        hooks.emit({ type: 'progress', epoch, epochs: s.plannedEpochs, batch: b + 1, batches, loss, samplesPerSecond, etaSeconds: remaining / samplesPerSecond });
      }
      if (stopping) return { loss: null, samples };
    }
    return { loss: (await sum.data())[0] / batches, samples };
  } finally {
    sum.dispose();
  }
}

interface Splits {
  train: BatchReader;
  trainItems: ItemSet;
  val: BatchReader | null;
  valItems: ItemSet;
  resumeFrom: number;
  /** Training seconds the run had spent before this session (resuming). */
  secondsBefore: number;
}

const stopMessages: Record<RunOutcome['stopReason'], (epoch: number, best: number) => string> = {
  planned: (epoch, best) => `ran the ${epoch} planned epochs${best === epoch ? '' : `; kept epoch ${best}, the best on validation`}`,
  'early-stop': (epoch, best) => `stopped early after epoch ${epoch}: validation loss had not improved since epoch ${best}, whose weights are kept`,
  'time-limit': (epoch, best) => `stopped at the time bound after epoch ${epoch}${best === epoch ? '' : `; kept epoch ${best}, the best on validation`}`,
  user: (epoch) => `stopped on request after epoch ${epoch}`,
};

/**
 * Epochs of gradient descent under the run's plan: the learning-rate schedule, early
 * stopping on the validation loss (keeping the best epoch's weights), the time bound
 * (after the first epoch the plan shrinks to what fits), and stop requests.
 */
async function fitByGradient(s: Session, optimizer: tf.AdamOptimizer, d: Splits): Promise<RunOutcome> {
  const { config, hooks } = s;
  const budget = config.maxMinutes === null ? Infinity : config.maxMinutes * 60;
  const waitEpochs = patience(config.epochs);
  let best: WeightsSnapshot | null = null;
  let bestLoss = Infinity;
  let spent = d.secondsBefore;
  let sessionSeconds = 0;
  let epoch = d.resumeFrom;
  let reason: RunOutcome['stopReason'] = 'planned';
  const pacer = new CheckpointPacer();
  // Epochs finished since the last save: their metrics and seconds go with the next one.
  let unsaved: EpochMetrics[] = [];
  const save = (epochsDone: number, seconds: number) =>
    pacer.write(async () => {
      await saveEpoch(s, optimizer, unsaved, epochsDone, unsaved.reduce((sum, m) => sum + (m.seconds ?? 0), seconds));
      unsaved = [];
    });
  try {
    while (epoch < s.plannedEpochs) {
      epoch++;
      const started = performance.now();
      const { loss, samples } = await trainEpoch(s, optimizer, d.train, d.trainItems, epoch, started);
      const trainSeconds = (performance.now() - started) / 1000;
      if (loss === null) {
        await save(epoch - 1, trainSeconds);
        epoch--;
        reason = 'user';
        break;
      }
      const valEval = d.val ? await evaluate(s.model, s.family, config, d.val, d.valItems, s.shape) : null;
      const seconds = (performance.now() - started) / 1000;
      spent += seconds;
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: loss,
        valLoss: valEval?.loss ?? null,
        valMse: valEval?.mse ?? null,
        valKl: valEval?.kl ?? null,
        samplesPerSecond: samples / trainSeconds,
        seconds,
      };
      sessionSeconds += seconds;
      if (Number.isFinite(budget)) fitPlanToBudget(s, epoch, sessionSeconds / (epoch - d.resumeFrom), budget - spent);
      unsaved.push(metrics);
      if (pacer.due || epoch >= s.plannedEpochs) await save(epoch, 0);
      hooks.emit({ type: 'epoch', epochs: s.plannedEpochs, ...metrics });
      const watched = metrics.valLoss ?? metrics.trainLoss;
      if (config.earlyStop && watched < bestLoss) {
        bestLoss = watched;
        best?.dispose();
        best = WeightsSnapshot.take(s.model, epoch);
      }
      if (hooks.shouldStop() && epoch < s.plannedEpochs) {
        reason = 'user';
        break;
      }
      if (config.earlyStop && best && epoch - best.epoch >= waitEpochs) {
        reason = 'early-stop';
        break;
      }
      if (spent >= budget && epoch < s.plannedEpochs) {
        reason = 'time-limit';
        break;
      }
    }
    let kept = epoch;
    if (best && best.epoch !== epoch) {
      best.restore(s.model);
      kept = best.epoch;
      await save(epoch, 0);
    } else if (unsaved.length > 0) await save(epoch, 0);
    const message = stopMessages[reason](epoch, kept);
    hooks.emit({ type: 'log', message });
    return { stopReason: reason, message, bestEpoch: kept };
  } finally {
    best?.dispose();
  }
}

/**
 * After each epoch, lays the schedule over the epochs that fit in the time left at the mean
 * epoch time so far (never more than planned); stored, so a resume keeps it.
 */
function fitPlanToBudget(s: Session, epoch: number, epochSeconds: number, secondsLeft: number): void {
  const fit = Math.min(s.config.epochs, Math.max(epoch, epoch + Math.floor(secondsLeft / epochSeconds)));
  if (fit === s.plannedEpochs) return;
  s.plannedEpochs = fit;
  updateRunConfig(s.db, s.runId, { ...s.config, epochs: fit });
  s.hooks.emit({ type: 'log', message: `time bound ${s.config.maxMinutes} min: the schedule now spans ${fit} epochs (${epochSeconds.toFixed(1)} s per epoch so far)` });
}

/**
 * Trains (or resumes) a run inside this process: chooses the backend, streams events,
 * stores metrics and weights after every epoch, and encodes every item at the end.
 * Status 'running' on entry; 'completed' or 'stopped' on return. Errors propagate.
 */
export async function trainRun(db: Db, dbPath: string, runId: number, hooks: TrainHooks): Promise<RunSummary> {
  const run = readRun(db, runId);
  const config = run.config;
  const family = familyOf(run.model);
  const shape: ImageShape = { size: run.size, channels: run.channels };
  const backend = await useTrainingBackend(config.backend, family.conv, config.threads ?? undefined);
  setRunStatus(db, runId, 'running', { pid: process.pid, backend: backend.name, error: null });
  config.threadsUsed = backend.threads;
  config.blasUsed = backend.blas;
  updateRunConfig(db, runId, config);
  hooks.emit({ type: 'status', status: 'running', backend: backend.name, note: backend.note });
  if (backend.note) hooks.emit({ type: 'log', message: backend.note });
  if (backend.blas) hooks.emit({ type: 'log', message: `matrix products, conv gradients and Adam on ${backend.blas}; ${backend.threads} threads` });

  const trainItems = loadItems(db, run.datasetId, 'train', config.labels);
  const valItems = loadItems(db, run.datasetId, 'val', config.labels);
  const allItems = loadItems(db, run.datasetId, 'all', config.labels);
  if (trainItems.itemIds.length === 0) throw new UserError(`Dataset ${run.datasetName} has no training images.`, 'empty_dataset');
  const cache = openPixels(dbPath, run.datasetId, shape, allItems);
  const resuming = storedWeightsEpoch(db, runId) !== null;
  const resumeFrom = resuming ? run.epochsDone : 0;
  let model: Autoencoder | null = null;
  let optimizer: tf.AdamOptimizer | null = null;
  try {
    const train = new BatchReader(cache, trainItems);
    const val = valItems.itemIds.length > 0 ? new BatchReader(cache, valItems) : null;
    model = resuming
      ? { encoder: await loadModelPart(db, runId, 'encoder'), decoder: await loadModelPart(db, runId, 'decoder') }
      : family.build(config, shape);
    const s: Session = { db, runId, config, family, shape, model, hooks, plannedEpochs: config.epochs };
    if (resuming) hooks.emit({ type: 'log', message: `resuming run ${runId} after epoch ${resumeFrom}` });

    let stopped = false;
    writeOutcome(db, runId, null);
    let outcome: RunOutcome = { stopReason: 'planned', message: 'fitted in closed form', bestEpoch: 1 };
    if (family.closedForm) {
      if (!resuming) {
        const started = performance.now();
        fitPca(model, train, shape.size * shape.size * shape.channels, config.latent, config.seed);
        const fit = await evaluate(model, family, config, train, trainItems, shape);
        const seconds = (performance.now() - started) / 1000;
        const valEval = val ? await evaluate(model, family, config, val, valItems, shape) : null;
        const metrics: EpochMetrics = { epoch: 1, trainLoss: fit.loss, valLoss: valEval?.loss ?? null, valMse: valEval?.mse ?? null, valKl: null, samplesPerSecond: train.length / seconds, seconds };
        await saveEpoch(s, null, [metrics], 1, seconds);
        hooks.emit({ type: 'epoch', epochs: 1, ...metrics });
      }
    } else {
      optimizer = new FusedAdam(config.lr);
      if (resuming) await restoreOptimizer(db, runId, optimizer);
      else if (config.pretrain === 'layerwise') {
        await pretrainLayerwise(model, config, train, (message) => hooks.emit({ type: 'log', message }), () => hooks.shouldStop());
      }
      outcome = await fitByGradient(s, optimizer, { train, trainItems, val, valItems, resumeFrom, secondsBefore: run.seconds });
      stopped = outcome.stopReason === 'user';
    }
    hooks.emit({ type: 'log', message: `encoding ${allItems.itemIds.length} images` });
    const latentUse = await embedAll(db, runId, model, family, config, new BatchReader(cache, allItems), allItems, shape);
    outcome = { ...outcome, ...latentUse };
    writeOutcome(db, runId, outcome);
    hooks.emit({ type: 'outcome', outcome });
    if (outcome.warning) hooks.emit({ type: 'log', message: `warning: ${outcome.warning}` });
    const status = stopped ? 'stopped' : 'completed';
    setRunStatus(db, runId, status, { pid: null });
    hooks.emit({ type: 'status', status });
    return runSummary(db, runId);
  } finally {
    optimizer?.dispose();
    model?.encoder.dispose();
    model?.decoder.dispose();
    cache.close();
  }
}
