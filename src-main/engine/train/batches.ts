import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../config.ts';
import type { BatchReader, ItemSet } from './data-source.ts';
import type { Batch } from './objective.ts';

/** Tensors for the items at `positions` of a set (one-hot labels when `classes` > 0). Call inside tf.tidy. */
export function makeBatch(reader: BatchReader, items: ItemSet, positions: ArrayLike<number>, shape: ImageShape, classes: number): Batch {
  const n = positions.length;
  const x = tf.tensor4d(reader.read(positions), [n, shape.size, shape.size, shape.channels]);
  if (classes === 0) return { x };
  const labels = Int32Array.from(positions, (p) => items.labelIndex[p]);
  return { x, label: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D };
}

/** Consecutive position ranges [0, count) in chunks of `size`. */
export function* chunks(count: number, size: number): Generator<Int32Array> {
  for (let start = 0; start < count; start += size) {
    yield Int32Array.from({ length: Math.min(size, count - start) }, (_, i) => start + i);
  }
}
