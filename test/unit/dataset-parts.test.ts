import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { matchAttributes, readAttributes } from '../../src-main/dataset/attributes.ts';
import { FASHION_MNIST_CLASSES, fashionMnistDir, readIdxImages, readIdxLabels } from '../../src-main/dataset/idx.ts';
import { readImageHeader } from '../../src-main/dataset/image-header.ts';
import { resizeInto } from '../../src-main/dataset/resample.ts';
import { splitOf } from '../../src-main/dataset/split.ts';
import { patternPixels } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

test('CSV attributes accept 1/0, 1/-1, true/false and yes/no, and match by path or unique bare name', () => {
  const file = path.join(tempDir(), 'attrs.csv');
  fs.writeFileSync(file, '\uFEFFpath,Smiling,Glasses\r\na/1.png,1,0\n2.png,-1,1\nb/3.png,true,no\nc/4.png,YES,false\nghost.png,1,1\n');
  const table = readAttributes(file);
  assert.deepEqual(table.names, ['Smiling', 'Glasses']);
  assert.deepEqual(table.problems, []);
  const match = matchAttributes(table, ['a/1.png', 'x/2.png', 'b/3.png', 'c/4.png', 'c/5.png']);
  assert.deepEqual(match.byPath.get('a/1.png'), { Smiling: 1, Glasses: 0 });
  assert.deepEqual(match.byPath.get('x/2.png'), { Smiling: 0, Glasses: 1 });
  assert.deepEqual(match.byPath.get('b/3.png'), { Smiling: 1, Glasses: 0 });
  assert.deepEqual(match.byPath.get('c/4.png'), { Smiling: 1, Glasses: 0 });
  assert.deepEqual([match.unmatchedRows, match.imagesWithoutRow], [1, 1]);
});

test('a bare name shared by two images matches neither', () => {
  const file = path.join(tempDir(), 'attrs.csv');
  fs.writeFileSync(file, 'file,Hat\n1.png,1\n');
  const match = matchAttributes(readAttributes(file), ['a/1.png', 'b/1.png']);
  assert.equal(match.byPath.size, 0);
  assert.equal(match.unmatchedRows, 1);
});

test("CelebA's list_attr_celeba.txt format is read (count line, names line, -1/1 rows)", () => {
  const file = path.join(tempDir(), 'list_attr_celeba.txt');
  fs.writeFileSync(file, '3\n5_o_Clock_Shadow Smiling Eyeglasses \n000001.jpg -1  1 -1\n000002.jpg  1 -1 -1\n000003.jpg 1 1\n');
  const table = readAttributes(file);
  assert.deepEqual(table.names, ['5_o_Clock_Shadow', 'Smiling', 'Eyeglasses']);
  assert.deepEqual(table.rows.get('000001.jpg'), { '5_o_Clock_Shadow': 0, Smiling: 1, Eyeglasses: 0 });
  assert.equal(table.rows.size, 2);
  assert.deepEqual(table.problems, [{ path: 'list_attr_celeba.txt line 5', reason: 'has 2 attribute values, the header names 3; row ignored' }]);
});

test('an attributes file without attribute columns is refused with what to write', () => {
  const file = path.join(tempDir(), 'a.csv');
  fs.writeFileSync(file, 'path\na.png\n');
  assert.throws(() => readAttributes(file), /no attribute columns/);
});

test('the split is stable per path, depends on the seed, and puts about 10% in validation', () => {
  const paths = Array.from({ length: 4000 }, (_, i) => `class${i % 7}/${i}.png`);
  const val = paths.filter((p) => splitOf(p, 0, 0.1) === 'val').length;
  assert.ok(val > 320 && val < 480, `${val} of 4000 in validation`);
  assert.deepEqual(paths.map((p) => splitOf(p, 0, 0.1)), paths.map((p) => splitOf(p, 0, 0.1)));
  assert.notDeepEqual(paths.map((p) => splitOf(p, 0, 0.1)), paths.map((p) => splitOf(p, 1, 0.1)));
});

test('PNG and JPEG headers give size, gray or colour, and EXIF orientation; other formats defer to sharp', async () => {
  const raw = (channels: 1 | 3) => sharp(patternPixels(20, 10, channels, 1), { raw: { width: 20, height: 10, channels } });
  assert.deepEqual(readImageHeader(await raw(1).toColourspace('b-w').png().toBuffer()), { width: 20, height: 10, colourChannels: 1, orientation: 1, format: 'png', alpha: false });
  assert.deepEqual(readImageHeader(await raw(3).png().toBuffer()), { width: 20, height: 10, colourChannels: 3, orientation: 1, format: 'png', alpha: false });
  assert.deepEqual(readImageHeader(await raw(3).jpeg().withMetadata({ orientation: 6 }).toBuffer()), { width: 20, height: 10, colourChannels: 3, orientation: 6, format: 'jpeg', alpha: false });
  assert.deepEqual(readImageHeader(await raw(1).toColourspace('b-w').jpeg().toBuffer()), { width: 20, height: 10, colourChannels: 1, orientation: 1, format: 'jpeg', alpha: false });
  assert.equal(readImageHeader(await raw(3).ensureAlpha().png().toBuffer())?.alpha, true, 'RGBA');
  assert.equal(readImageHeader(await raw(3).ensureAlpha(0.5).png({ palette: true }).toBuffer())?.alpha, true, 'palette with a tRNS chunk');
  assert.equal(readImageHeader(await raw(3).webp().toBuffer()), null);
  assert.equal(readImageHeader(Buffer.from('not an image')), null);
});

test('tile resampling keeps a same-size image exactly and averages when shrinking', () => {
  const src = patternPixels(8, 8, 3, 4);
  const same = new Uint8Array(8 * 8 * 3);
  resizeInto(src, 8, 3, 8, same, 8, 0, 0);
  assert.deepEqual(Buffer.from(same), src);
  const flat = new Uint8Array(8 * 8).fill(200);
  const canvas = new Uint8Array(10 * 10);
  resizeInto(flat, 8, 1, 4, canvas, 10, 3, 2);
  assert.equal(canvas[2 * 10 + 3], 200);
  assert.equal(canvas[5 * 10 + 6], 200);
  assert.equal(canvas[0], 0, 'outside the tile is untouched');
  assert.equal(canvas.filter((v) => v === 200).length, 16);
});

test('the Fashion-MNIST IDX files read as 28x28 images with labels 0-9', () => {
  const images = readIdxImages(path.join(fashionMnistDir, 't10k-images-idx3-ubyte.gz'));
  const labels = readIdxLabels(path.join(fashionMnistDir, 't10k-labels-idx1-ubyte.gz'));
  assert.deepEqual([images.count, images.rows, images.cols, images.data.length], [10000, 28, 28, 10000 * 784]);
  assert.equal(labels.length, 10000);
  assert.ok(labels.every((l) => l < FASHION_MNIST_CLASSES.length));
  assert.equal(FASHION_MNIST_CLASSES[labels[0]], 'Ankle_boot');
});

test('a file that is not IDX is refused', () => {
  const file = path.join(tempDir(), 'x.idx');
  fs.writeFileSync(file, 'hello world, not idx');
  assert.throws(() => readIdxImages(file), /not an IDX file/);
});
