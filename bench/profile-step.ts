/**
 * Where a training step's time goes on the wasm backend: runs a few Adam steps of a reference
 * model under tf.profile and prints the kernels by total time (wall time of each kernel call,
 * data reads included).
 *
 *   node --import tsx bench/profile-step.ts [--model conv-vae-64rgb] [--steps 2] [--threads N]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backends/select.ts';
import { FusedAdam } from '../src-main/engine/train/fused-adam.ts';
import { buildReferenceModel, REFERENCE_MODELS, type ReferenceModelName } from './reference-models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'conv-vae-64rgb' },
    steps: { type: 'string', default: '2' },
    threads: { type: 'string' },
  },
});
const name = values.model as ReferenceModelName;
if (!REFERENCE_MODELS.includes(name)) throw new Error(`--model: choose from ${REFERENCE_MODELS.join(', ')}`);
const selected = await selectBackend('wasm', { convGradients: true }, { threads: values.threads ? Number(values.threads) : undefined });
const model = buildReferenceModel(name);
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
console.log(`${name} on wasm, ${selected.threads} thread(s), batch 128: ${(wall / Number(values.steps)).toFixed(0)} ms/step wall (profiled), kernels ${(total / Number(values.steps)).toFixed(0)} ms/step`);
console.log(`${'kernel'.padEnd(24)} ${'ms/step'.padStart(8)} ${'share'.padStart(6)} ${'calls'.padStart(6)}`);
for (const [kernel, entry] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  const ms = entry.ms / Number(values.steps);
  console.log(`${kernel.padEnd(24)} ${ms.toFixed(1).padStart(8)} ${((100 * entry.ms) / total).toFixed(0).padStart(5)}% ${String(entry.calls / Number(values.steps)).padStart(6)}`);
}
