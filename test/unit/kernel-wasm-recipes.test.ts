import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { MODEL_NAMES } from '../../src-main/contract/train-config.ts';
import { selectBackend } from '../../src-main/engine/backends/select.ts';
import { resolveConfig, type ImageShape } from '../../src-main/engine/config.ts';
import { familyOf } from '../../src-main/engine/models/registry.ts';
import { objective, trainableVariables } from '../../src-main/engine/train/objective.ts';
import { seededRandom } from '../../src-main/random.ts';

// One training step of every model family at its default settings (batch norm, 4x4 stride-2
// convolutions and their transposes, the Gaussian decoder, free bits) runs
// on wasm, and its loss and gradients agree with the cpu backend, the reference.

before(async () => {
  await selectBackend('wasm');
});

const shape: ImageShape = { size: 16, channels: 3 };
const BATCH = 4;

function images(): tf.Tensor4D {
  const uniform = seededRandom(7);
  return tf.tensor4d(Float32Array.from({ length: BATCH * 16 * 16 * 3 }, () => uniform()), [BATCH, 16, 16, 3]);
}

function step(model: (typeof MODEL_NAMES)[number], backend: 'wasm' | 'cpu'): Promise<{ loss: number; grads: Float32Array[] }> {
  return (async () => {
    await tf.setBackend(backend);
    const labels = model === 'cvae' ? { labels: ['a', 'b'] } : {};
    const extra = familyOf(model).variational ? { freeBits: 0.1 } : {};
    const config = resolveConfig({ model, latent: 4, epochs: 1, ...labels, ...extra }, { ...shape, count: 100 });
    const family = familyOf(model);
    const built = family.build(config, shape);
    const vars = trainableVariables(built);
    const result = tf.tidy(() => {
      const x = images();
      const label = model === 'cvae' ? (tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2).toFloat() as tf.Tensor2D) : undefined;
      const { value, grads } = tf.variableGrads(() => objective(built, family, config, { x, label }, true, 3, 0.5).loss, vars);
      return { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync().slice() as Float32Array) };
    });
    built.encoder.dispose();
    built.decoder.dispose();
    return result;
  })();
}

for (const model of MODEL_NAMES.filter((m) => m !== 'pca')) {
  test(`${model}: a default training step on wasm matches cpu`, async () => {
    const onWasm = await step(model, 'wasm');
    const onCpu = await step(model, 'cpu');
    await tf.setBackend('wasm');
    assert.ok(Math.abs(onWasm.loss - onCpu.loss) <= 1e-3 * Math.max(1, Math.abs(onCpu.loss)), `loss ${onWasm.loss} on wasm, ${onCpu.loss} on cpu`);
    assert.equal(onWasm.grads.length, onCpu.grads.length);
    onCpu.grads.forEach((cpu, v) => {
      const scale = cpu.reduce((m, g) => Math.max(m, Math.abs(g)), 1e-3);
      for (let i = 0; i < cpu.length; i++) {
        assert.ok(Math.abs(onWasm.grads[v][i] - cpu[i]) <= 2e-3 * scale, `variable ${v}, element ${i}: ${onWasm.grads[v][i]} on wasm, ${cpu[i]} on cpu`);
      }
    });
  });
}
