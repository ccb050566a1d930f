import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { stringify } from 'csv-stringify/sync';
import { seededRandom } from '../random.ts';

/**
 * A sample dataset drawn procedurally: cartoon faces of three kinds (the
 * labels) with known continuous factors (position, size, rotation, hue)
 * and binary attributes a person can see (Smiling, Glasses, Blushing).
 * The same seed always draws the same images.
 */
export const DEMO_LABELS = ['person', 'cat', 'robot'] as const;
export const DEMO_ATTRIBUTES = ['Smiling', 'Glasses', 'Blushing'] as const;
export const DEMO_PIXELS = 64;

export interface DemoFace {
  file: string;
  label: (typeof DEMO_LABELS)[number];
  x: number;
  y: number;
  scale: number;
  rotation: number;
  hue: number;
  Smiling: 0 | 1;
  Glasses: 0 | 1;
  Blushing: 0 | 1;
}

export function demoFaces(count: number, seed = 1): DemoFace[] {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const flag = (p: number): 0 | 1 => (random() < p ? 1 : 0);
  return Array.from({ length: count }, (_, i) => {
    const label = DEMO_LABELS[i % DEMO_LABELS.length];
    return {
      file: `${label}/${String(i).padStart(5, '0')}.png`,
      label,
      x: +between(-6, 6).toFixed(2),
      y: +between(-5, 5).toFixed(2),
      scale: +between(0.75, 1.05).toFixed(3),
      rotation: +between(-25, 25).toFixed(1),
      hue: Math.round(between(0, 360)),
      Smiling: flag(0.5),
      Glasses: flag(0.35),
      Blushing: flag(0.3),
    };
  });
}

/** The face as SVG on a 64 x 64 canvas, centred at (32, 34) before the face's own transform. */
export function faceSvg(face: DemoFace): string {
  const skin = `hsl(${face.hue}, 55%, 62%)`;
  const dark = `hsl(${face.hue}, 40%, 25%)`;
  const background = `hsl(${(face.hue + 180) % 360}, 25%, 88%)`;
  const head =
    face.label === 'person'
      ? `<ellipse cx="0" cy="0" rx="19" ry="22" fill="${skin}"/><path d="M-19,-6 Q-18,-26 0,-24 Q18,-26 19,-6 Q12,-16 0,-15 Q-12,-16 -19,-6Z" fill="${dark}"/>`
      : face.label === 'cat'
        ? `<path d="M-18,-8 L-16,-28 L-4,-18 Z M18,-8 L16,-28 L4,-18 Z" fill="${skin}" stroke="${dark}" stroke-width="1.5"/>` +
          `<circle cx="0" cy="0" r="19" fill="${skin}"/><path d="M-20,6 L-8,4 M-20,10 L-8,7 M20,6 L8,4 M20,10 L8,7" stroke="${dark}" stroke-width="1"/>`
        : `<line x1="0" y1="-20" x2="0" y2="-28" stroke="${dark}" stroke-width="2"/><circle cx="0" cy="-29" r="2.5" fill="#e33"/>` +
          `<rect x="-18" y="-20" width="36" height="38" rx="5" fill="${skin}" stroke="${dark}" stroke-width="1.5"/>`;
  const eyes = `<circle cx="-7" cy="-3" r="2.6" fill="#222"/><circle cx="7" cy="-3" r="2.6" fill="#222"/>`;
  const glasses = face.Glasses
    ? `<g fill="none" stroke="#111" stroke-width="1.8"><circle cx="-7" cy="-3" r="5.5"/><circle cx="7" cy="-3" r="5.5"/><line x1="-1.5" y1="-3" x2="1.5" y2="-3"/></g>`
    : '';
  const blush = face.Blushing ? `<ellipse cx="-11" cy="6" rx="4" ry="2.5" fill="#ff5a7a" opacity="0.75"/><ellipse cx="11" cy="6" rx="4" ry="2.5" fill="#ff5a7a" opacity="0.75"/>` : '';
  // A wide open smile against a thin flat mouth: big enough to survive 64 px and a blurry VAE.
  const mouth = face.Smiling ? `<path d="M-11,7 Q0,24 11,7 Z" fill="#5a1620" stroke="#222" stroke-width="1.5" stroke-linejoin="round"/>` : `<line x1="-6" y1="11" x2="6" y2="11" stroke="#222" stroke-width="2" stroke-linecap="round"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${DEMO_PIXELS}" height="${DEMO_PIXELS}" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" fill="${background}"/>` +
    `<g transform="translate(${32 + face.x},${34 + face.y}) rotate(${face.rotation}) scale(${face.scale})">${head}${eyes}${glasses}${blush}${mouth}</g></svg>`
  );
}

/**
 * Writes the demo folder: one PNG per face in a subfolder per label,
 * attributes.csv (binary attributes, read by the import) and .factors.csv
 * (the continuous factors, for people checking what a model learned; hidden, so
 * that an import passes over it instead of listing it as a file it skipped).
 */
export async function writeDemoFolder(
  dir: string,
  count: number,
  options: { seed?: number; signal?: AbortSignal; onProgress?: (drawn: number, total: number) => void } = {},
): Promise<DemoFace[]> {
  const faces = demoFaces(count, options.seed ?? 1);
  for (const label of DEMO_LABELS) fs.mkdirSync(path.join(dir, label), { recursive: true });
  let next = 0;
  let drawn = 0;
  const lane = async () => {
    while (next < faces.length) {
      options.signal?.throwIfAborted();
      const face = faces[next++];
      const file = path.join(dir, face.file);
      // the same seed draws the same faces, so files already there are kept; a temp name keeps half-written files out
      if (!fs.existsSync(file)) {
        await sharp(Buffer.from(faceSvg(face))).png().toFile(`${file}.tmp`);
        fs.renameSync(`${file}.tmp`, file);
      }
      if (++drawn % 100 === 0 || drawn === faces.length) options.onProgress?.(drawn, faces.length);
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  fs.writeFileSync(path.join(dir, 'attributes.csv'), stringify(faces.map((f) => [f.file, f.Smiling, f.Glasses, f.Blushing]), { header: true, columns: ['path', ...DEMO_ATTRIBUTES] }));
  fs.writeFileSync(
    path.join(dir, '.factors.csv'),
    stringify(faces.map((f) => [f.file, f.label, f.x, f.y, f.scale, f.rotation, f.hue]), { header: true, columns: ['path', 'label', 'x', 'y', 'scale', 'rotation', 'hue'] }),
  );
  return faces;
}
