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
const csvKind = z.enum(['embeddings', 'outliers']);

/** Input schema of every method; `satisfies` makes a missing or unknown method a compile error. */
export const inputSchemas = {
  appInfo: z.strictObject({}),
  pickFolder: z.strictObject({ title: z.string().max(200).optional() }),
  pickSaveFile: z.strictObject({ defaultName: z.string().max(255).optional() }),

  listDatasets: z.strictObject({}),
  getDataset: z.strictObject({ datasetId: id }),
  listItems: z.strictObject({
    datasetId: id,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(10_000).default(200),
    label: z.string().nullable().optional(),
    split: z.enum(['train', 'val']).optional(),
    search: z.string().max(500).optional(),
  }),
  getAtlas: z.strictObject({ datasetId: id }),
  startImport: z.strictObject({
    folder: z.string().min(1, 'choose a folder to import'),
    name: z.string().min(1).max(200).optional(),
    size: z.number().int().min(8).max(512).optional(),
    channels: z.union([z.literal(1), z.literal(3), z.literal('auto')]).optional(),
    fit: z.enum(['cover', 'contain']).optional(),
    attributes: z.string().min(1).optional(),
  }),
  cancelImport: z.strictObject({ jobId: z.string().min(1) }),
  startDemo: z.strictObject({ count: z.number().int().min(3).max(200_000).default(2000) }),

  listModels: z.strictObject({}),
  listRuns: z.strictObject({ datasetId: id.optional() }),
  getRun: z.strictObject({ runId }),
  startTraining: z.strictObject({ datasetId: id, config: trainOptionsSchema }),
  stopTraining: z.strictObject({ runId }),
  resumeTraining: z.strictObject({ runId, epochs: trainOptionsSchema.shape.epochs, backend: trainOptionsSchema.shape.backend }),
  renameRun: z.strictObject({ runId, name: z.string().trim().min(1, 'a run name cannot be empty').max(200) }),
  deleteRun: z.strictObject({ runId }),

  project: z.strictObject({
    runId,
    method: z.enum(['pca', 'umap', 'raw']).default('pca'),
    /** raw only: which latent dimensions become x, y, z (default 0, 1, 2). */
    dims: z.array(z.number().int().min(0)).min(1).max(3).optional(),
    seed: z.number().int().min(0).optional(),
    neighbours: z.number().int().min(2).max(200).optional(),
    minDist: z.number().min(0).max(1).optional(),
  }),
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
  outliers: z.strictObject({ runId, top: z.number().int().min(1).max(100_000).default(100) }),
  runScores: z.strictObject({ runId }),
  exportCsv: z.strictObject({ runId, kind: csvKind.default('embeddings'), path: z.string().min(1, 'choose where to save the CSV') }),
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
  items: number;
  missing: number;
  attributes: string[];
  createdAt: string;
  updatedAt: string;
}

export interface DatasetDetail extends DatasetSummary {
  labels: { label: string | null; count: number }[];
  splits: { train: number; val: number };
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
  seconds: number;
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
  kind: 'attribute' | 'label';
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
  score: 'recon_error' | 'neg_elbo';
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
}

/** Every scored item's scores, parallel arrays in item id order (the projection's order). */
export interface RunScores {
  runId: number;
  /** What to colour by: negative ELBO when every item has one (VAEs), else reconstruction error. */
  score: 'recon_error' | 'neg_elbo';
  itemIds: number[];
  /** Per-pixel reconstruction MSE. */
  reconError: number[];
  /** Negative ELBO (VAEs only), else null. */
  negElbo: number[] | null;
}

export interface CsvWritten {
  path: string;
  rows: number;
}

export interface ApiOutputs {
  appInfo: AppInfo;
  pickFolder: PickedPath;
  pickSaveFile: PickedPath;
  listDatasets: DatasetSummary[];
  getDataset: DatasetDetail;
  listItems: ItemPage;
  getAtlas: AtlasLayout;
  startImport: JobStarted;
  cancelImport: { cancelled: boolean };
  startDemo: JobStarted;
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
  exportCsv: CsvWritten;
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
