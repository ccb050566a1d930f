/**
 * Where a training step's time goes on the wasm backend: runs a few Adam steps of a reference
 * model under tf.profile and prints the kernels by total time (wall time of each kernel call,
 * data reads included).
 *
 *   node --import tsx bench/profile-step.ts [--model conv-vae-64rgb] [--steps 2] [--threads N]
 *
 * --model takes a reference model (bench/reference-models.ts) or one of the engine's own, as
 * bench/train-epochs.ts trains them: engine-conv-ae (filters 16,32, batch norm), engine-deep-ae.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backends/select.ts';
import { resolveConfig } from '../src-main/engine/config.ts';
import { familyOf } from '../src-main/engine/models/registry.ts';
import { FusedAdam } from '../src-main/engine/train/fused-adam.ts';
import { objective } from '../src-main/engine/train/objective.ts';
import { buildReferenceModel, REFERENCE_MODELS, type ReferenceModelName } from './reference-models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'conv-vae-64rgb' },
    steps: { type: 'string', default: '2' },
    threads: { type: 'string' },
  },
});
/** The engine's models at 28x28 gray, with the flags bench/train-epochs.ts gives `latent-lab train`. */
const ENGINE_MODELS: Record<string, Record<string, string>> = {
  'engine-conv-ae': { model: 'conv-ae', filters: '16,32', latent: '16', loss: 'bce' },
  'engine-deep-ae': { model: 'deep-ae', hidden: '256', latent: '32' },
};

function engineModel(flags: Record<string, string>): { sampleShape: number[]; loss(x: tf.Tensor): tf.Scalar } {
  const shape = { size: 28, channels: 1 as const };
  const config = resolveConfig({ ...flags, batch: '128' }, shape);
  const family = familyOf(config.model);
  const model = family.build(config, shape);
  return { sampleShape: [28, 28, 1], loss: (x) => objective(model, family, config, { x: x as tf.Tensor4D }, true, 1).loss };
}

const name = values.model!;
if (!REFERENCE_MODELS.includes(name as ReferenceModelName) && !ENGINE_MODELS[name]) {
  throw new Error(`--model: choose from ${[...REFERENCE_MODELS, ...Object.keys(ENGINE_MODELS)].join(', ')}`);
}
// Dense models share the threads differently from conv ones when OpenBLAS is there (select.ts shareThreads).
const conv = !name.includes('dense') && !name.includes('deep');
const selected = await selectBackend('wasm', { convGradients: conv }, { threads: values.threads ? Number(values.threads) : undefined });
const model = ENGINE_MODELS[name] ? engineModel(ENGINE_MODELS[name]) : buildReferenceModel(name as ReferenceModelName);
const optimizer = new FusedAdam(1e-3);
const x = tf.randomUniform([128, ...model.sampleShape]);
const step = () => tf.tidy(() => optimizer.minimize(() => model.loss(x), true)!.dataSync());
step(); // warm-up: builds the XNNPACK operators and the optimizer's slots
const start = performance.now();
const profile = await tf.profile(() => {
  for (let i = 0; i < Number(values.steps); i++) step();
});
const wall = performance.now() - start;
const byKernel = new Map<string, { ms: number; calls: number; shapes: Set<string> }>();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0, shapes: new Set() };
  entry.ms += kernel.kernelTimeMs as number;
  entry.calls += 1;
  entry.shapes.add(kernel.inputShapes.map((s) => `[${s?.join(',')}]`).join(' '));
  byKernel.set(kernel.name, entry);
}
const total = [...byKernel.values()].reduce((sum, k) => sum + k.ms, 0);
console.log(`${name} on wasm${selected.blas ? ` + ${selected.blas}` : ''}, ${selected.threads} thread(s), batch 128: ${(wall / Number(values.steps)).toFixed(0)} ms/step wall (profiled), kernels ${(total / Number(values.steps)).toFixed(0)} ms/step`);
console.log(`${'kernel'.padEnd(24)} ${'ms/step'.padStart(8)} ${'share'.padStart(6)} ${'calls'.padStart(6)}`);
for (const [kernel, entry] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  const ms = entry.ms / Number(values.steps);
  console.log(`${kernel.padEnd(24)} ${ms.toFixed(1).padStart(8)} ${((100 * entry.ms) / total).toFixed(0).padStart(5)}% ${String(entry.calls / Number(values.steps)).padStart(6)}`);
}
