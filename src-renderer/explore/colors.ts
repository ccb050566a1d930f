/** Point colours for the Explore view: by category, by binary attribute, or on a continuous scale. */
export type Rgb = [number, number, number];

// Tableau 20-like, reordered so neighbouring indices contrast.
const CATEGORICAL: Rgb[] = [
  [78, 121, 167], [242, 142, 43], [225, 87, 89], [118, 183, 178], [89, 161, 79],
  [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [186, 176, 172],
  [160, 203, 232], [255, 190, 125], [140, 209, 125], [182, 153, 45], [73, 152, 148],
  [134, 188, 182], [211, 114, 149], [250, 191, 210], [212, 166, 200], [121, 112, 110],
];

// Viridis, 9 stops.
const VIRIDIS: Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

export const MISSING_COLOR: Rgb = [110, 110, 118];

export function categoricalColor(index: number): Rgb {
  return CATEGORICAL[((index % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}

export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

export interface CategoryLegend {
  kind: 'categories';
  entries: Array<{ name: string; color: string; count: number }>;
}

export interface ScaleLegend {
  kind: 'scale';
  title: string;
  min: number;
  max: number;
  gradient: string;
}

export type Legend = CategoryLegend | ScaleLegend;

export interface Coloring {
  rgb: Uint8Array;
  legend: Legend;
}

/** One colour per distinct value (most frequent first); null values are grey. */
export function colorByCategory(values: ReadonlyArray<string | null>, missingName = 'none'): Coloring {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const v of values) {
    if (v === null) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const names = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b, undefined, { numeric: true }));
  const colorOf = new Map(names.map((name, k) => [name, categoricalColor(k)] as const));
  const rgb = new Uint8Array(values.length * 3);
  values.forEach((v, i) => {
    const c = v === null ? MISSING_COLOR : (colorOf.get(v) ?? MISSING_COLOR);
    rgb.set(c, 3 * i);
  });
  const entries = names.map((name) => ({ name, color: rgbCss(colorOf.get(name) ?? MISSING_COLOR), count: counts.get(name) ?? 0 }));
  if (missing) entries.push({ name: missingName, color: rgbCss(MISSING_COLOR), count: missing });
  return { rgb, legend: { kind: 'categories', entries } };
}

/** Viridis over the 1st-99th percentile of the finite values; NaN is grey. */
export function colorByScale(values: ArrayLike<number>, title: string): Coloring {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  finite.sort((a, b) => a - b);
  const min = finite.length ? finite[Math.floor((finite.length - 1) * 0.01)] : 0;
  const max = finite.length ? finite[Math.ceil((finite.length - 1) * 0.99)] : 1;
  const span = max - min || 1;
  const rgb = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    rgb.set(Number.isFinite(v) ? viridis((v - min) / span) : MISSING_COLOR, 3 * i);
  }
  const gradient = `linear-gradient(to right, ${VIRIDIS.map((c) => rgbCss(c)).join(', ')})`;
  return { rgb, legend: { kind: 'scale', title, min, max, gradient } };
}
