import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { PixelCache } from '../../src-main/dataset/pixel-cache.ts';
import { tempDir } from '../helpers/tmp.ts';

test('records written at any index read back exactly, in the order asked', () => {
  const file = path.join(tempDir(), 'p.pixels');
  const cache = PixelCache.open(file, { size: 4, channels: 3 });
  const record = (seed: number) => Uint8Array.from({ length: 48 }, (_, i) => (seed * 31 + i) % 256);
  cache.write(2, record(2));
  cache.write(0, record(0));
  cache.write(1, record(1));
  assert.equal(cache.records, 3);
  cache.close();
  const reader = PixelCache.openReadOnly(file, { size: 4, channels: 3 });
  assert.deepEqual(reader.read([2, 0]), Uint8Array.from([...record(2), ...record(0)]));
  assert.throws(() => reader.read([7]), /no record 7/);
  reader.close();
});
