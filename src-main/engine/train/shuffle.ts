import { seededRandom } from '../../random.ts';

/** The order items are visited in during one epoch, fixed by the run's seed and the epoch number. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const random = seededRandom((seed * 7919 + epoch * 104729) >>> 0);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
