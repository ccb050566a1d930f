import * as tf from '@tensorflow/tfjs';
import type { Db } from '../src-main/store/open.ts';

/** A run's codes of one split, in item id order, with the items' labels. */
export function splitCodes(db: Db, runId: number, split: 'train' | 'val'): { codes: Float32Array; labels: string[]; dim: number } {
  const rows = db
    .prepare('SELECT e.code, i.label FROM embeddings e JOIN items i ON i.id = e.item_id WHERE e.run_id = ? AND i.split = ? ORDER BY i.id')
    .all(runId, split) as { code: Buffer; label: string | null }[];
  const dim = rows.length > 0 ? rows[0].code.byteLength / 4 : 0;
  const codes = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => codes.set(new Float32Array(r.code.buffer.slice(r.code.byteOffset, r.code.byteOffset + r.code.byteLength)), i * dim));
  return { codes, labels: rows.map((r) => r.label ?? ''), dim };
}

/** Share of validation codes whose 5 nearest training codes (Euclidean) vote for their label. */
export function knnAccuracy(db: Db, runId: number, k = 5): number {
  const train = splitCodes(db, runId, 'train');
  const val = splitCodes(db, runId, 'val');
  const dim = train.dim;
  const trainT = tf.tensor2d(train.codes, [train.labels.length, dim]);
  const trainNorms = trainT.square().sum(1);
  let right = 0;
  const chunk = 500;
  for (let start = 0; start < val.labels.length; start += chunk) {
    const n = Math.min(chunk, val.labels.length - start);
    const indices = tf.tidy(() => {
      const q = tf.tensor2d(val.codes.subarray(start * dim, (start + n) * dim), [n, dim]);
      // -|q - t|^2 up to a per-row constant: 2 q.t - |t|^2
      return tf.topk(q.matMul(trainT, false, true).mul(2).sub(trainNorms), k).indices;
    });
    const nearest = indices.dataSync();
    indices.dispose();
    for (let i = 0; i < n; i++) {
      const votes = new Map<string, number>();
      for (let j = 0; j < k; j++) {
        const label = train.labels[nearest[i * k + j]];
        votes.set(label, (votes.get(label) ?? 0) + 1);
      }
      const winner = [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
      if (winner === val.labels[start + i]) right++;
    }
  }
  tf.dispose([trainT, trainNorms]);
  return right / val.labels.length;
}
