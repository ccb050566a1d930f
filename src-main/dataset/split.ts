import crypto from 'node:crypto';

export type Split = 'train' | 'val';

/**
 * The train/validation split of one image, from a hash of the dataset's
 * seed and the image's relative path: the same image always lands in the
 * same split, however often the folder is re-imported or grows.
 */
export function splitOf(relPath: string, seed: number, valFraction: number): Split {
  const digest = crypto.createHash('sha256').update(`${seed}:${relPath}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < valFraction ? 'val' : 'train';
}
