import type * as tf from '@tensorflow/tfjs';
import { wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * Identity for wasm that shares the input's memory, as the cpu backend's does and the wasm
 * Reshape does (tensors are immutable). The stock kernel copies: tfjs clones every tensor an
 * op saves for its gradient, so a training step made some 150 full copies of activations.
 */
function identity(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Strings live outside the heap: the stock kernel keeps them. */
export const identityOverride = (stock: tf.KernelConfig): tf.KernelConfig => ({
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => ((args.inputs.x as tf.TensorInfo).dtype === 'string' ? stock.kernelFunc(args) : identity(args))) as tf.KernelFunc,
});
