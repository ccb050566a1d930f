import * as tf from '@tensorflow/tfjs';

/** What the stock layer keeps that the training path here reads (tfjs-layers' BatchNormalization). */
interface BatchNormState {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type CallArgs = Parameters<tf.layers.Layer['call']>;

/** The stock class (tfjs does not export it by name): a Layer, fromConfig and all. */
const StockBatchNormalization = tf.layers.batchNormalization({}).constructor as typeof tf.layers.Layer;

/**
 * Batch normalisation over every axis but the last, in training: y = x^ * gamma + beta with
 * x^ = (x - mean) / sqrt(variance + epsilon) of the batch, and its gradient in closed form,
 * dx = gamma / sigma * (dy - mean(dy) - x^ * mean(dy * x^)). tfjs differentiates the stock
 * layer's moments and normalisation op by op: on the wasm backend some twenty kernels per
 * layer per step, more time than the convolutions around them (bench/profile-step.ts).
 * `stats` receives the batch mean and variance (kept; the caller disposes them).
 */
function normaliseInTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, stats: tf.Tensor[]): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const count = x.size / x.shape[x.rank - 1];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = x.mean(axes);
    const centred = x.sub(mean);
    const variance = centred.square().mean(axes);
    const invStd = variance.add(epsilon).rsqrt();
    const normalised = centred.mul(invStd);
    stats.push(tf.keep(mean), tf.keep(variance));
    save([normalised, invStd, gamma]);
    return {
      value: normalised.mul(gamma).add(beta),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [normalised, invStd, gamma] = saved;
        const dBeta = dy.sum(axes);
        const dGamma = dy.mul(normalised).sum(axes);
        const dx = dy
          .sub(dBeta.div(count))
          .sub(normalised.mul(dGamma.div(count)))
          .mul(gamma.mul(invStd));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta);
}

/**
 * tfjs-layers' BatchNormalization with the training path above (the channels-last, centred and
 * scaled layer this engine builds). Same weights, same moving averages, same inference; registered
 * under the stock class name, so stored models load into it too.
 */
export class BatchNormalization extends StockBatchNormalization {
  static className = 'BatchNormalization';

  constructor(args: BatchNormArgs) {
    super(args);
  }

  override call(inputs: CallArgs[0], kwargs: CallArgs[1]): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as BatchNormState;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const channelsLast = self.axis === -1 || self.axis === x.rank - 1;
    if (!kwargs.training || !channelsLast || !self.center || !self.scale) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const stats: tf.Tensor[] = [];
      const y = normaliseInTraining(x, self.gamma.read() as tf.Tensor1D, self.beta.read() as tf.Tensor1D, self.epsilon, stats);
      const [mean, variance] = stats;
      // the stock layer's moving averages: moving -= (moving - batch) * (1 - momentum)
      for (const [moving, batch] of [[self.movingMean, mean], [self.movingVariance, variance]] as const) {
        tf.tidy(() => {
          moving.write(moving.read().sub(moving.read().sub(batch).mul(1 - self.momentum)));
        });
      }
      tf.dispose(stats);
      return y;
    });
  }
}
tf.serialization.registerClass(BatchNormalization);
