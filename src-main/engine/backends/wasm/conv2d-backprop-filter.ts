import * as tf from '@tensorflow/tfjs';
import { blasConvThreads, blasKernels, convGeometry, heapOf, heapOffset } from './blas.ts';
import { reshapeInfo, runWasmKernel, Scratch, transposeInfo, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * Conv2DBackpropFilter for wasm, which ships without one, as one XNNPACK Conv2D with the
 * batch as the reduction axis: dW[fy, fx, c, o] = sum over n, oy, ox of
 * x[n, fy + s*oy - pad, fx + s*ox - pad, c] * dy[n, oy, ox, o], which is a stride-1 conv of
 * x' = x as [c, h, w, n] with the filter dy' = dy as [oh, ow, n, o] dilated by the stride.
 * The output [c, fh, fw, o] is then transposed to [fh, fw, c, o] (a few thousand values).
 * With OpenBLAS (wasm/blas.ts), natively: patches^T dy, one sgemm per chunk of patches, which
 * spares XNNPACK's packing of dy as a filter (the conv-ae's 3x3 32-channel layer: 5.8 -> ms).
 */
function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, padInfo } = info;
  const native = blasKernels();
  if (native !== null) {
    const dw = backend.makeOutput(filterShape, 'float32');
    native.convBackpropFilter(heapOf(backend), heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), convGeometry(info), blasConvThreads());
    return dw;
  }
  const scratch = new Scratch(backend);

  const xT = scratch.keep(transposeInfo(backend, x, [3, 1, 2, 0]));
  const dyT = scratch.keep(transposeInfo(backend, dy, [1, 2, 0, 3]));
  // Pad so the dilated filter slides exactly filterHeight x filterWidth positions (rows the
  // forward conv never read are left out by the crop below instead).
  const padBottom = Math.max(0, filterHeight + sh * (outHeight - 1) - inHeight - padInfo.top);
  const padRight = Math.max(0, filterWidth + sw * (outWidth - 1) - inWidth - padInfo.left);
  const product = scratch.keep(runWasmKernel(backend, 'Conv2D', { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: [[0, 0], [padInfo.top, padBottom], [padInfo.left, padRight], [0, 0]],
    dilations: [sh, sw],
    dataFormat: 'NHWC',
  }));
  const cropped =
    product.shape[1] === filterHeight && product.shape[2] === filterWidth
      ? product
      : scratch.keep(runWasmKernel(backend, 'Slice', { x: product }, {
          begin: [0, 0, 0, 0],
          size: [inChannels, filterHeight, filterWidth, outChannels],
        }));
  const dw =
    inChannels === 1
      ? reshapeInfo(backend, cropped, [filterHeight, filterWidth, 1, outChannels])
      : transposeInfo(backend, cropped, [1, 2, 0, 3]);
  scratch.releaseAll();
  return dw;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
