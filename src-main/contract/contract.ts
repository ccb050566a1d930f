/**
 * The Latent Lab API contract: every method's input schema (validated at each
 * front door) and output type, and every event's payload. It imports only zod,
 * so the renderer and the preload can depend on it without Node.
 * Handlers (./handlers) are typed against it; the transports are generated from it.
 */
import { z } from 'zod';
import type { EventName, MethodName } from './method-names.ts';
import { trainOptionsSchema } from './train-config.ts';

const id = z.number().int().positive();
const itemId = id.describe('item id');
const runId = id.describe('run id');
const code = z.array(z.number().finite()).min(1).max(4096);
/** A near pair differs by at most this much once aligned (RMS difference over the images' contrast): the default threshold. */
export const DEFAULT_NEAR_DIFFERENCE = 0.25;
/** Side of the stored square images when an import does not say. */
export const DEFAULT_IMPORT_SIZE = 64;
const csvKind = z.enum(['embeddings', 'outliers']);
const datasetId = id.describe('dataset id');
const setName = z.string().trim().min(1, 'a set needs a name').max(200);

/** A 3-D projection of a run's codes, as `project` computes it and as the Explore view shows it. */
const projectionFields = {
  method: z.enum(['pca', 'umap', 'raw']).default('pca'),
  /** raw only: which latent dimensions become x, y, z (default 0, 1, 2). */
  dims: z.array(z.number().int().min(0)).min(1).max(3).optional(),
  seed: z.number().int().min(0).optional(),
  neighbours: z.number().int().min(2).max(200).optional(),
  minDist: z.number().min(0).max(1).optional(),
};

/** Every outlier score, best first: `combined` is the default (see bench/outliers.ts for why). */
export const outlierScoreNames = ['combined', 'complexity_corrected', 'latent_density', 'neg_elbo', 'recon_error'] as const;
export type OutlierScore = (typeof outlierScoreNames)[number];

/** What a CSV export holds; the same fields whether it is written to a file or downloaded. */
export const csvExportSchema = z.strictObject({
  runId,
  kind: csvKind.default('embeddings'),
  /** embeddings: x, y, z from this projection (default PCA). */
  projection: z.strictObject(projectionFields).optional(),
  /** embeddings: only these items' rows. */
  items: z.array(itemId).min(1).max(1_000_000).optional(),
  /** embeddings: only the rows of the dataset's set of this name. */
  set: setName.optional(),
  /** outliers: the score that ranks the rows (every scored item is written, with all its scores). */
  score: z.enum(outlierScoreNames).default('combined'),
  /** Keep text byte for byte: no neutralising of cells a spreadsheet would run as formulas. */
  raw: z.boolean().default(false),
});

/** Input schema of every method; `satisfies` makes a missing or unknown method a compile error. */
export const inputSchemas = {
  appInfo: z.strictObject({}),
  pickFolder: z.strictObject({ title: z.string().max(200).optional() }),

  listDatasets: z.strictObject({}),
  getDataset: z.strictObject({ datasetId: id }),
  listItems: z.strictObject({
    datasetId: id,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(10_000).default(200),
    label: z.string().nullable().optional(),
    split: z.enum(['train', 'val']).optional(),
    search: z.string().max(500).optional(),
    /** Only items the import changed this way. */
    changed: z.enum(['upscaled', 'cropped', 'fromColour', 'transparent']).optional(),
  }),
  getAtlas: z.strictObject({ datasetId: id }),
  /** Items of a run's dataset by id or by path relative to the dataset folder (the CLI's ITEM arguments). */
  lookupItems: z.strictObject({ runId, refs: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }),
  startImport: z.strictObject({
    folder: z.string().min(1, 'choose a folder to import'),
    name: z.string().min(1).max(200).optional(),
    size: z.number().int().min(8).max(512).optional(),
    channels: z.union([z.literal(1), z.literal(3), z.literal('auto')]).optional(),
    fit: z.enum(['cover', 'contain']).optional(),
    /** white, black, gray, auto or #rrggbb: what transparent pixels are composited onto. */
    background: z.string().regex(/^(white|black|gr[ae]y|auto|#[0-9a-fA-F]{6})$/, 'use white, black, gray, auto or a colour as #rrggbb').optional(),
    attributes: z.string().min(1).optional(),
  }),
  cancelImport: z.strictObject({ jobId: z.string().min(1) }),
  startDemo: z.strictObject({ count: z.number().int().min(3).max(200_000).default(2000) }),
  deleteDataset: z.strictObject({ datasetId: id }),

  listModels: z.strictObject({}),
  listRuns: z.strictObject({ datasetId: id.optional() }),
  getRun: z.strictObject({ runId }),
  startTraining: z.strictObject({ datasetId: id, config: trainOptionsSchema }),
  stopTraining: z.strictObject({ runId }),
  resumeTraining: z.strictObject({ runId, epochs: trainOptionsSchema.shape.epochs, backend: trainOptionsSchema.shape.backend }),
  renameRun: z.strictObject({ runId, name: z.string().trim().min(1, 'a run name cannot be empty').max(200) }),
  deleteRun: z.strictObject({ runId }),

  project: z.strictObject({ runId, ...projectionFields }),
  neighbours: z
    .strictObject({
      runId,
      itemId: itemId.optional(),
      code: code.optional(),
      k: z.number().int().min(1).max(1000).default(10),
      metric: z.enum(['euclidean', 'cosine']).default('euclidean'),
    })
    .refine((v) => (v.itemId === undefined) !== (v.code === undefined), 'give either itemId or code, not both'),
  codes: z.strictObject({ runId, itemIds: z.array(itemId).min(1).max(10_000) }),
  decode: z.strictObject({ runId, code, label: z.string().optional() }),
  reconstruct: z.strictObject({ runId, itemId }),
  interpolate: z.strictObject({
    runId,
    from: itemId,
    to: itemId,
    steps: z.number().int().min(2).max(64).default(8),
    method: z.enum(['lerp', 'slerp']).default('slerp'),
  }),
  attributeVectors: z.strictObject({ runId, balanced: z.array(z.string()).max(16).optional() }),
  applyAttribute: z.strictObject({
    runId,
    itemId,
    attribute: z.string().min(1),
    /** shift: move by `strength` distances between the class means; place: move to that position on the axis (0 = mean without, 1 = mean with). */
    strength: z.number().min(-10).max(10).default(1),
    mode: z.enum(['shift', 'place']).default('shift'),
    balanced: z.array(z.string()).max(16).optional(),
  }),
  analogy: z.strictObject({ runId, a: itemId, b: itemId, c: itemId }),
  samples: z.strictObject({
    runId,
    n: z.number().int().min(1).max(256).default(16),
    label: z.string().optional(),
    seed: z.number().int().min(0).optional(),
  }),
  manifold: z.strictObject({ runId, steps: z.number().int().min(2).max(32).default(10), label: z.string().optional() }),
  outliers: z.strictObject({
    runId,
    top: z.number().int().min(1).max(100_000).default(100),
    score: z.enum(outlierScoreNames).default('combined'),
    /** Robust standard deviations above the median for the suggested threshold. */
    k: z.number().positive().max(100).default(3.5),
  }),
  runScores: z.strictObject({ runId }),
  neighbourAgreement: z.strictObject({ runId, otherRunId: id.describe('the other run id'), k: z.number().int().min(1).max(100).default(10) }),
  /** No path: the desktop app asks where with its own Save dialog (a browser downloads /api/runs/N/export.csv instead). */
  exportCsv: csvExportSchema,

  listSets: z.strictObject({ datasetId }),
  saveSet: z.strictObject({ datasetId, name: setName, itemIds: z.array(itemId).min(1, 'a set needs at least one item').max(1_000_000) }),
  deleteSet: z.strictObject({ setId: id.describe('set id') }),
  duplicates: z
    .strictObject({
      datasetId: id.optional(),
      runId: runId.optional(),
      /** Largest aligned pixel difference of a near pair: RMS difference over the images' contrast, best over small shifts (default 0.25). */
      threshold: z.number().min(0).optional(),
    })
    .refine((v) => (v.datasetId === undefined) !== (v.runId === undefined), 'give either datasetId or runId, not both'),
  quality: z.strictObject({ datasetId: id }),
} satisfies Record<MethodName, z.ZodType>;

export type InputSchemas = typeof inputSchemas;
/** What a caller passes (defaults may be left out). */
export type ApiInput<M extends MethodName> = z.input<InputSchemas[M]>;
/** What a handler receives (validated, defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<InputSchemas[M]>;
export type ApiOutput<M extends MethodName> = ApiOutputs[M];

// ---- output types ----

export type HostKind = 'electron' | 'server' | 'cli';

export interface AppInfo {
  version: string;
  host: HostKind;
  dbPath: string;
  /** Native Open/Save dialogs exist (Electron); in a browser, type a path or download instead. */
  nativeDialogs: boolean;
  /** The database's migration version and what it holds. */
  schemaVersion: number;
  datasets: number;
  items: number;
  runs: number;
}

export interface PickedPath {
  /** null when the person cancelled the dialog. */
  path: string | null;
}

export interface DatasetSummary {
  id: number;
  name: string;
  root: string;
  size: number;
  channels: 1 | 3;
  fit: 'cover' | 'contain';
  /** What transparency was composited onto: #rrggbb, or auto. */
  background: string;
  items: number;
  missing: number;
  attributes: string[];
  createdAt: string;
  updatedAt: string;
}

export interface DatasetDetail extends DatasetSummary {
  labels: { label: string | null; count: number }[];
  splits: { train: number; val: number };
  /** What the import changed, over the items present. */
  changes: ImportChanges;
}

export interface ItemRow {
  id: number;
  path: string;
  label: string | null;
  attributes: Record<string, number> | null;
  split: 'train' | 'val';
  width: number;
  height: number;
  status: 'ok' | 'missing';
  /** Its slot in the thumbnail atlases (see AtlasLayout). */
  slot: number;
  /** What the import did to it; null for items imported before Latent Lab recorded this. */
  format: string | null;
  upscaled: boolean | null;
  /** Fraction of the original's area cut away. */
  cropped: number | null;
  fromColour: boolean | null;
  /** #rrggbb its transparent pixels were composited onto; null when opaque (or not recorded). */
  matte: string | null;
}

export interface ItemPage {
  total: number;
  items: ItemRow[];
}

export interface AtlasTiles {
  /** Tile edge in pixels. */
  tile: number;
  columns: number;
  rows: number;
  perPage: number;
  /** Width and height of a page in pixels. */
  pagePixels: number;
  pages: number;
}

/**
 * Thumbnail sprite atlases of a dataset. The item in slot s (its cache index)
 * is on page floor(s / perPage), column (s % perPage) % columns, row
 * floor((s % perPage) / columns). Fetch a page with atlasUrl(datasetId, tile, page).
 */
export interface AtlasLayout {
  datasetId: number;
  tiles: AtlasTiles[];
  /** Parallel arrays: item itemIds[k] sits in slot slots[k]. */
  itemIds: number[];
  slots: number[];
}

export interface ImportSummary {
  dataset: number;
  datasetName: string;
  /** Items present now (status ok). */
  items: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Items whose file is gone (status missing). */
  missing: number;
  /** Files that could not be used, each with a reason for people. */
  skipped: { path: string; reason: string }[];
  /** Files with the same content as another file; both are imported. */
  duplicates: { path: string; sameAs: string }[];
  labels: string[];
  attributes: string[];
  attributeMatch: { file: string; unmatchedRows: number; imagesWithoutRow: number } | null;
  size: number;
  channels: 1 | 3;
  fit: 'cover' | 'contain';
  /** What transparency was composited onto: #rrggbb, or auto (per image, by contrast with its content). */
  background: string;
  /** What the import changed, counted over the dataset's items (items imported before Latent Lab recorded this count in none). */
  changes: ImportChanges;
  seconds: number;
}

export interface ImportChanges {
  /** Items with transparent pixels, composited onto a matte; mattes counts them by colour (#rrggbb). */
  transparent: number;
  mattes: Record<string, number>;
  /** Smaller than the stored size, so scaled up. */
  upscaled: number;
  /** Not square, so --fit cover cut part away. */
  cropped: number;
  /** Colour content stored as grayscale (--channels 1). */
  fromColour: number;
  /** Items by file format (png, jpeg, svg...). */
  formats: Record<string, number>;
}

export interface JobStarted {
  jobId: string;
}

export interface ModelInfo {
  name: string;
  description: string;
  variational: boolean;
  conditional: boolean;
  conv: boolean;
  /** Fitted in closed form (PCA) rather than trained epoch by epoch. */
  closedForm: boolean;
}

export type RunStatus = 'queued' | 'running' | 'stopped' | 'completed' | 'failed' | 'interrupted';

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  valMse: number | null;
  valKl: number | null;
  samplesPerSecond: number | null;
  seconds: number | null;
}

/** Why a training run ended: its planned epochs, early stopping, the time bound, or a stop request. */
export type StopReason = 'planned' | 'early-stop' | 'time-limit' | 'user';

/** How a training run ended (runs.outcome), written when training ends. */
export interface RunOutcome {
  stopReason: StopReason;
  /** One line a user reads: why it stopped and which epoch it kept. */
  message: string;
  /** The epoch whose weights the run kept (the best validation loss when stopping early). */
  bestEpoch: number;
  /** VAEs: mean KL divergence (nats) per latent dimension over the dataset. */
  klPerDim?: number[];
  /** VAEs: dimensions whose code mean varies across images (variance > 0.01, Burda et al. 2016). */
  activeDims?: number;
  /** A warning to show beside the run (posterior collapse). */
  warning?: string;
}

export interface RunSummary {
  id: number;
  datasetId: number;
  name: string | null;
  model: string;
  status: RunStatus;
  backend: string | null;
  epochsDone: number;
  seconds: number;
  error: string | null;
  config: Record<string, unknown>;
  outcome: RunOutcome | null;
  last: EpochMetrics | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunDetail extends RunSummary {
  metrics: EpochMetrics[];
}

export interface RunStarted {
  runId: number;
}

export interface Projection {
  runId: number;
  method: 'pca' | 'umap' | 'raw';
  params: Record<string, unknown>;
  itemIds: number[];
  /** x, y, z per item, parallel to itemIds. */
  coords: number[];
  /**
   * Items whose code is exactly another item's (they share one spot), and the
   * largest such group. Many means degenerate input, such as images that
   * became identical on import.
   */
  sharedCodes: { items: number; largestGroup: number };
}

export interface Neighbour {
  itemId: number;
  distance: number;
}

export interface Codes {
  itemIds: number[];
  codes: number[][];
}

export interface DecodedImage {
  width: number;
  height: number;
  /** data:image/png;base64,... */
  dataUrl: string;
}

export interface Interpolation {
  method: 'lerp' | 'slerp';
  codes: number[][];
  images: DecodedImage[];
}

export interface AttributeVector {
  name: string;
  /** A binary attribute, a label (one against the rest), or a saved set (its items against the rest). */
  kind: 'attribute' | 'label' | 'set';
  /** ROC AUC of the dot product with the vector, as a separator of the attribute. */
  auc: number;
  withCount: number;
  withoutCount: number;
  balancedAgainst: string[];
  /** z . vector at the mean code without and with the attribute: 0 and 1 on the attribute's axis. */
  axis: { without: number; with: number };
}

export interface ImageSet {
  codes: number[][];
  images: DecodedImage[];
}

export interface SampleSet extends ImageSet {
  /** prior: N(0, I) of a VAE; fitted-gaussian: a Gaussian fitted to a plain autoencoder's codes. */
  source: 'prior' | 'fitted-gaussian';
  /** Label of each sample (conditional models), else empty. */
  labels: string[];
}

export interface ManifoldGrid extends ImageSet {
  /** steps x steps images, row-major, y decreasing down the rows. */
  steps: number;
  axis: { x: number[]; y: number[] };
}

export interface OutlierList {
  runId: number;
  score: OutlierScore;
  /** The scores this run has (neg_elbo only for VAEs). */
  available: OutlierScore[];
  /** Suggested threshold: median + k * 1.4826 * MAD of every item's score. */
  threshold: number;
  k: number;
  median: number;
  mad: number;
  /** Items scored, and how many of them are above the threshold. */
  scored: number;
  aboveThreshold: number;
  /**
   * Highest score first; images by imageUrl(itemId), reconstructions by reconstruct().
   * reconError is the per-pixel MSE, also for VAEs, whose score is the negative ELBO.
   */
  items: { rank: number; itemId: number; path: string; label: string | null; split: string; score: number; reconError: number }[];
  /**
   * Every item's score in bins of `width` from `min` to `max`, each bin holding the scores above its lower
   * edge up to its upper one. The suggested threshold is an edge, so the count above any edge is exact. A
   * tail far beyond the bulk is not stretched over the axis: `beyond` items score above `max`.
   */
  histogram: { min: number; max: number; width: number; counts: number[]; beyond: number };
}

/** Every scored item's scores, parallel arrays in item id order (the projection's order). */
export interface RunScores {
  runId: number;
  /** What to colour by unless asked otherwise: the default outlier score. */
  score: OutlierScore;
  itemIds: number[];
  /** Each score the run has (neg_elbo only for VAEs), parallel to itemIds. */
  scores: Partial<Record<OutlierScore, number[]>>;
}

export interface DuplicateItem {
  id: number;
  path: string;
  split: 'train' | 'val';
}

export interface DuplicateGroup {
  kind: 'exact' | 'near';
  /** Largest aligned pixel difference between linked members (0 for exact copies). */
  distance: number;
  /** The group has members in both train and val: a leak between the splits. */
  leaky: boolean;
  items: DuplicateItem[];
}

export interface DuplicateReport {
  datasetId: number;
  runId: number | null;
  /** Where near-duplicate candidates came from: a shift-invariant fingerprint of the pixels, plus the run's latent codes when a run was given. Each candidate pair is then checked on the aligned pixels. */
  method: 'fingerprint' | 'fingerprint+latent';
  /** Largest aligned pixel difference (RMS over the images' contrast) of a near pair. */
  threshold: number;
  groups: DuplicateGroup[];
  /** Items in some group, and groups flagged leaky. */
  duplicated: number;
  leaky: number;
}

export interface QualityCheck {
  name: 'constant' | 'dark' | 'light' | 'low_information' | 'blurry' | 'upscaled' | 'odd_aspect';
  /** What the check means and its limit, for people. */
  description: string;
  count: number;
  /** Flagged items, most extreme first. */
  items: { id: number; path: string; value: number }[];
}

export interface QualityReport {
  datasetId: number;
  checked: number;
  checks: QualityCheck[];
}

/** Per item embedded by both runs, how many of its k nearest neighbours (in code space) the runs share, as a fraction. */
export interface NeighbourAgreement {
  runId: number;
  otherRunId: number;
  k: number;
  /** Ascending. */
  itemIds: number[];
  agreement: number[];
  mean: number;
}

export interface CsvWritten {
  path: string;
  rows: number;
}

/** A named set of items of one dataset (a saved selection). */
export interface ItemSet {
  id: number;
  datasetId: number;
  name: string;
  /** Ascending. */
  itemIds: number[];
  savedAt: string;
}

export interface ApiOutputs {
  appInfo: AppInfo;
  pickFolder: PickedPath;
  listDatasets: DatasetSummary[];
  getDataset: DatasetDetail;
  listItems: ItemPage;
  getAtlas: AtlasLayout;
  lookupItems: { items: ItemRow[] };
  startImport: JobStarted;
  cancelImport: { cancelled: boolean };
  startDemo: JobStarted;
  deleteDataset: { deleted: true; items: number; runs: number; files: number };
  listModels: ModelInfo[];
  listRuns: RunSummary[];
  getRun: RunDetail;
  startTraining: RunStarted;
  stopTraining: { stopping: boolean };
  resumeTraining: RunStarted;
  renameRun: RunSummary;
  deleteRun: { deleted: boolean };
  project: Projection;
  neighbours: { neighbours: Neighbour[] };
  codes: Codes;
  decode: DecodedImage;
  reconstruct: DecodedImage;
  interpolate: Interpolation;
  attributeVectors: { vectors: AttributeVector[] };
  /** from/to: the image's position on the attribute's axis before and after (0 = mean without, 1 = mean with). */
  applyAttribute: DecodedImage & { auc: number; from: number; to: number };
  analogy: DecodedImage;
  samples: SampleSet;
  manifold: ManifoldGrid;
  outliers: OutlierList;
  runScores: RunScores;
  neighbourAgreement: NeighbourAgreement;
  /** null when the person cancelled the Save dialog. */
  exportCsv: CsvWritten | null;
  listSets: ItemSet[];
  saveSet: ItemSet;
  deleteSet: { deleted: boolean };
  duplicates: DuplicateReport;
  quality: QualityReport;
}

// ---- results and errors, as every transport carries them ----

export interface ApiErrorBody {
  /** Stable, for code to branch on: invalid_input, not_found, unsupported, busy, internal, ... */
  code: string;
  /** For people: what went wrong and what to do. Never a stack trace. */
  message: string;
}

export type ApiResult<T> = { result: T } | { error: ApiErrorBody };

// ---- events ----

export interface ApiEvents {
  'import.progress': { jobId: string; phase: 'draw' | 'scan' | 'decode' | 'atlas'; done: number; total: number; ratePerSecond: number | null; etaSeconds: number | null };
  'import.finished': { jobId: string; summary: ImportSummary };
  'import.failed': { jobId: string; error: ApiErrorBody };
  /** A dataset was added, re-imported or deleted, here or by another process (a CLI import). */
  'datasets.changed': Record<string, never>;
  /** A run was added, renamed, deleted, or changed status or epoch, here or by another process. */
  'runs.changed': Record<string, never>;
  'train.progress': {
    runId: number;
    epoch: number;
    epochs: number;
    batch: number;
    batches: number;
    loss: number;
    samplesPerSecond: number | null;
    etaSeconds: number | null;
  };
  'train.epoch': { runId: number } & EpochMetrics;
  /** A line the trainer reports: the plan, the time bound, why it stopped, warnings. */
  'train.log': { runId: number; message: string };
  'run.status': { runId: number; status: RunStatus; error: string | null; backend: string | null; note: string | null };
  'project.progress': { runId: number; method: 'umap'; phase: string; fraction: number };
  /** An application-menu action the renderer should perform (Electron only). */
  menu: { action: 'openFolder' | 'exportCsv' | 'tryDemo' };
}

type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
const eventsMatchNames: SameKeys<ApiEvents, EventName> = true;
const outputsMatchNames: SameKeys<ApiOutputs, MethodName> = true;
void eventsMatchNames;
void outputsMatchNames;

export type ApiEvent = { [K in EventName]: { type: K; data: ApiEvents[K] } }[EventName];

/** What the Electron preload exposes on `window.latentLab`: one function per method, and events. */
export interface LatentLabBridge {
  api: { [M in MethodName]: (input: ApiInput<M>) => Promise<ApiResult<ApiOutput<M>>> };
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}
