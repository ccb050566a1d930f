import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../backends/wasm/adam-update.ts';

/** AdamOptimizer's private state, which this subclass updates the way the stock one does. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * tfjs' Adam (same slots, same saved weights, same results to float rounding) that updates
 * each variable with one ADAM_UPDATE kernel where the active backend has it, and with the
 * stock dozen ops per variable elsewhere.
 */
export class FusedAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999) {
    super(learningRate, beta1, beta2);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const named = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const step = this.iterations + 1;
    const attrs: AdamUpdateAttrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: 1 - this.beta1 ** step,
      correction2: 1 - this.beta2 ** step,
    };
    tf.tidy(() => {
      named.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        const slot = (suffix: string) => ({ originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
        state.accumulatedFirstMoment[i] ??= slot('m');
        state.accumulatedSecondMoment[i] ??= slot('v');
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const inputs = { x: value, gradient, m, v } as unknown as tf.NamedTensorMap;
        const [nextValue, nextM, nextV] = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(nextM);
        v.assign(nextV);
        value.assign(nextValue);
      });
      state.accBeta1.assign(tf.scalar(this.beta1 ** (step + 1)));
      state.accBeta2.assign(tf.scalar(this.beta2 ** (step + 1)));
    });
    this.incrementIterations();
  }
}
