import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { importFolder } from '../../src-main/dataset/import.ts';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { getDataset } from '../../src-main/dataset/queries.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore } from '../../src-main/store/open.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Files in every format and alpha mode a researcher's folder holds, generated with sharp, and the pixels they must become. */

const S = 16;

/** RGBA pixels: a `glyph` colour square (the middle half) on full transparency. */
function glyphOnTransparency(glyph: [number, number, number], size = S): Buffer {
  const data = Buffer.alloc(size * size * 4);
  for (let y = size / 4; y < (size * 3) / 4; y++) {
    for (let x = size / 4; x < (size * 3) / 4; x++) data.set([...glyph, 255], (y * size + x) * 4);
  }
  return data;
}

const rgba = (data: Buffer, size = S) => sharp(data, { raw: { width: size, height: size, channels: 4 } });

async function write(root: string, rel: string, image: sharp.Sharp | string): Promise<void> {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (typeof image === 'string') fs.writeFileSync(file, image);
  else await image.toFile(file);
}

interface Imported {
  pixels: Buffer;
  format: string;
  upscaled: number;
  cropped: number;
  from_colour: number;
  matte: string | null;
  width: number;
  height: number;
}

async function importAndRead(root: string, options: { size?: number; channels?: 1 | 3; fit?: 'cover' | 'contain'; background?: string } = {}) {
  const dbPath = path.join(path.dirname(root), `${path.basename(root)}-${Math.random().toString(36).slice(2)}.db`);
  const summary = await importFolder({ dbPath, folder: root, size: S, channels: 3, ...options });
  const db = openStore(dbPath);
  const dataset = getDataset(db, summary.dataset);
  const rows = db.prepare('SELECT path, cache_index, format, upscaled, cropped, from_colour, matte, width, height FROM items WHERE dataset_id = ?').all(summary.dataset) as (Omit<Imported, 'pixels'> & {
    path: string;
    cache_index: number;
  })[];
  db.close();
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(dbPath), summary.dataset), dataset);
  const items = new Map(rows.map((row) => [row.path, { ...row, pixels: Buffer.from(cache.read([row.cache_index])) }]));
  cache.close();
  return { summary, items };
}

/** The pixel at (x, y) of a stored square. */
function at(item: Imported, x: number, y: number, channels = 3, size = S): number[] {
  const start = (y * size + x) * channels;
  return [...item.pixels.subarray(start, start + channels)];
}

function near(actual: number[], expected: number[], tolerance: number, what: string): void {
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance),
    `${what}: got ${actual.join(',')}, expected ${expected.join(',')} (±${tolerance})`,
  );
}

test('a black glyph on transparency is imported as a visible black glyph on white, in every format with alpha', async () => {
  const root = path.join(tempDir(), 'glyphs');
  const glyph = glyphOnTransparency([0, 0, 0]);
  await write(root, 'rgba.png', rgba(glyph).png());
  await write(root, 'rgba16.png', rgba(glyph).toColourspace('rgb16').png());
  await write(root, 'palette.png', rgba(glyph).png({ palette: true }));
  await write(root, 'grey-alpha.png', rgba(glyph).toColourspace('b-w').png());
  await write(root, 'alpha.webp', rgba(glyph).webp({ lossless: true }));
  await write(root, 'alpha.gif', rgba(glyph).gif());
  await write(root, 'alpha.tiff', rgba(glyph).tiff({ compression: 'lzw' })); // sharp's default TIFF options write no alpha channel
  await write(root, 'alpha.avif', rgba(glyph).avif({ lossless: true }));
  const half = S / 2;
  await write(root, 'glyph.svg', `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect x="1" y="1" width="2" height="2" fill="#000"/></svg>`);

  const { summary, items } = await importAndRead(root);
  assert.deepEqual(summary.skipped, []);
  assert.equal(summary.items, 9);
  assert.deepEqual([summary.changes.transparent, summary.changes.mattes], [9, { '#ffffff': 9 }], 'the summary counts images with transparency and their matte');
  assert.equal(summary.background, '#ffffff');
  for (const [rel, item] of items) {
    const tolerance = rel.endsWith('.avif') ? 24 : 2;
    near(at(item, half, half), [0, 0, 0], tolerance, `${rel}: the glyph stays black`);
    near(at(item, 1, 1), [255, 255, 255], tolerance, `${rel}: the transparent surround becomes white`);
    assert.equal(item.matte, '#ffffff', rel);
  }
  const svg = items.get('glyph.svg')!;
  assert.deepEqual([svg.format, svg.upscaled, svg.width, svg.height], ['svg', 0, 4, 4], 'an SVG is drawn at the stored size, not scaled up');
  assert.deepEqual(at(svg, 4, 4), [0, 0, 0], 'SVG rasterised crisply at the target size: the rect fills the middle half');
  assert.deepEqual(at(svg, 3, 3), [255, 255, 255]);
  assert.deepEqual(
    [...new Set([...items.values()].map((item) => item.format))].sort(),
    ['gif', 'heif', 'png', 'svg', 'tiff', 'webp'],
  );
});

test('--background black, gray, #rrggbb and auto: the matte is the one asked for, or the one that contrasts with the content', async () => {
  const root = path.join(tempDir(), 'mattes');
  await write(root, 'dark.png', rgba(glyphOnTransparency([10, 10, 10])).png());
  await write(root, 'light.png', rgba(glyphOnTransparency([250, 250, 250])).png());
  for (const [background, expected] of [
    ['black', [0, 0, 0]],
    ['gray', [128, 128, 128]],
    ['#3366cc', [0x33, 0x66, 0xcc]],
  ] as const) {
    const { items } = await importAndRead(root, { background });
    for (const item of items.values()) near(at(item, 0, 0), [...expected], 0, `background ${background}`);
  }
  const { items, summary } = await importAndRead(root, { background: 'auto' });
  near(at(items.get('dark.png')!, 0, 0), [255, 255, 255], 0, 'auto: dark content on white');
  near(at(items.get('light.png')!, 0, 0), [0, 0, 0], 0, 'auto: light content on black');
  assert.deepEqual(summary.changes.mattes, { '#ffffff': 1, '#000000': 1 });
  await assert.rejects(importAndRead(root, { background: 'purple' }), /--background must be white, black, gray, auto or a colour as #rrggbb, not "purple"/);
});

test('a CMYK JPEG comes out in the right colours, an EXIF-rotated JPEG the right way up, an animated GIF as its first frame', async () => {
  const root = path.join(tempDir(), 'jpegs');
  await write(root, 'cmyk.jpg', sharp({ create: { width: S, height: S, channels: 3, background: '#d02020' } }).toColourspace('cmyk').jpeg({ quality: 95 }));
  assert.equal((await sharp(path.join(root, 'cmyk.jpg')).metadata()).space, 'cmyk');
  // stored 16 wide x 8 tall, left half red and right half blue; EXIF orientation 6 says "turn 90° clockwise to view"
  const wide = Buffer.alloc(S * (S / 2) * 3);
  for (let y = 0; y < S / 2; y++) for (let x = 0; x < S; x++) wide.set(x < S / 2 ? [220, 0, 0] : [0, 0, 220], (y * S + x) * 3);
  await write(root, 'rotated.jpg', sharp(wide, { raw: { width: S, height: S / 2, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }));
  assert.equal((await sharp(path.join(root, 'rotated.jpg')).metadata()).orientation, 6);

  // an animated GIF: a light first frame, a dark second one
  const frames = Buffer.alloc(S * S * 2 * 3);
  frames.fill(200, 0, S * S * 3).fill(30, S * S * 3);
  await write(root, 'animated.gif', sharp(frames, { raw: { width: S, height: S * 2, channels: 3, pageHeight: S } }).gif());
  assert.equal((await sharp(path.join(root, 'animated.gif')).metadata()).pages, 2);

  const { items } = await importAndRead(root, { fit: 'contain', background: 'black' });
  near(at(items.get('animated.gif')!, 8, 8), [200, 200, 200], 4, 'an animated GIF gives its first frame');
  near(at(items.get('cmyk.jpg')!, 8, 8), [0xd0, 0x20, 0x20], 30, 'CMYK red is red in sRGB');
  const rotated = items.get('rotated.jpg')!;
  assert.deepEqual([rotated.width, rotated.height], [S / 2, S], 'the recorded size is the upright one');
  near(at(rotated, 8, 2), [220, 0, 0], 30, 'viewed upright, the red half is on top');
  near(at(rotated, 8, 13), [0, 0, 220], 30, 'and the blue half at the bottom');
  near(at(rotated, 0, 8), [0, 0, 0], 0, 'contain pads the narrow upright image left and right');
});

test('what the import changed is recorded per item: upscaled, cropped (by how much), converted from colour; non-images are listed', async () => {
  const root = path.join(tempDir(), 'changes');
  await write(root, 'dot.png', sharp({ create: { width: 1, height: 1, channels: 3, background: '#ff0000' } }).png());
  await write(root, 'banner.png', sharp({ create: { width: 300, height: 80, channels: 3, background: '#00ff00' } }).png());
  await write(root, 'gray.png', sharp({ create: { width: 16, height: 16, channels: 3, background: '#777777' } }).toColourspace('b-w').png());
  await write(root, 'notes.txt', 'not an image');
  await write(root, 'sub/readme', 'no extension');
  await write(root, '.hidden.txt', 'passed over');
  await write(root, 'attributes.csv', 'path,Round\ndot.png,1\n');

  const { summary, items } = await importAndRead(root, { channels: 1 });
  assert.deepEqual(
    summary.skipped.map((s) => s.path),
    ['notes.txt', 'sub/readme'],
    'non-image files are listed; hidden files and the attributes file are not',
  );
  assert.match(summary.skipped[0].reason, /not an image: \.txt files are not one of the formats/);
  const dot = items.get('dot.png')!;
  const banner = items.get('banner.png')!;
  const gray = items.get('gray.png')!;
  assert.deepEqual([dot.upscaled, dot.cropped, dot.from_colour], [1, 0, 1]);
  assert.deepEqual([banner.upscaled, banner.from_colour], [0, 1]);
  assert.ok(Math.abs(banner.cropped - (1 - 80 / 300)) < 1e-9, `a 300x80 banner loses 73% to cover (${banner.cropped})`);
  assert.deepEqual([gray.upscaled, gray.cropped, gray.from_colour, gray.matte], [0, 0, 0, null]);
  assert.deepEqual(
    { upscaled: summary.changes.upscaled, cropped: summary.changes.cropped, fromColour: summary.changes.fromColour, transparent: summary.changes.transparent, formats: summary.changes.formats },
    { upscaled: 1, cropped: 1, fromColour: 2, transparent: 0, formats: { png: 3 } },
  );
  near(at(dot, 3, 3, 1), [Math.round(0.299 * 255)], 1, 'red stored as its luma');
});
