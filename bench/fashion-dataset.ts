import path from 'node:path';
import { fashionMnistDir, readIdxImages, readIdxLabels } from '../src-main/dataset/idx.ts';
import { PixelCache, pixelCachePath } from '../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../src-main/paths.ts';
import { openStore } from '../src-main/store/open.ts';

/**
 * Writes Fashion-MNIST into a database as an import would, without decoding PNGs: with
 * `perClass`, that many training images per class with every 10th held out; with null, the
 * 60,000 training images and the test set as validation. Returns the dataset's name.
 */
export function writeFashionDataset(dbPath: string, perClass: number | null): string {
  const file = (name: string) => path.join(fashionMnistDir, name);
  const train = readIdxImages(file('train-images-idx3-ubyte.gz'));
  const trainLabels = readIdxLabels(file('train-labels-idx1-ubyte.gz'));
  const picked: { pixels: Uint8Array; label: number; split: 'train' | 'val' }[] = [];
  const taken = new Array<number>(10).fill(0);
  for (let i = 0; i < trainLabels.length; i++) {
    const label = trainLabels[i];
    if (perClass !== null && taken[label] >= perClass) continue;
    const split = perClass !== null && taken[label] % 10 === 9 ? 'val' : 'train';
    taken[label]++;
    picked.push({ pixels: train.data.subarray(i * 784, (i + 1) * 784), label, split });
  }
  if (perClass === null) {
    const test = readIdxImages(file('t10k-images-idx3-ubyte.gz'));
    readIdxLabels(file('t10k-labels-idx1-ubyte.gz')).forEach((label, i) => picked.push({ pixels: test.data.subarray(i * 784, (i + 1) * 784), label, split: 'val' }));
  }
  const name = perClass === null ? 'fashion-60k' : `fashion-${(perClass * 10) / 1000}k`;
  const db = openStore(dbPath);
  const datasetId = Number(db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES (?, ?, 28, 1, 'cover')").run(name, fashionMnistDir).lastInsertRowid);
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size: 28, channels: 1 });
  const insert = db.prepare("INSERT INTO items (dataset_id, path, label, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, '-', 28, 28, ?)");
  db.transaction(() => {
    picked.forEach((p, index) => {
      cache.write(index, p.pixels);
      insert.run(datasetId, `${p.split}/${index}`, String(p.label), p.split, index);
    });
  })();
  cache.close();
  db.close();
  return name;
}
