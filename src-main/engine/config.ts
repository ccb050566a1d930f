import { z } from 'zod';
import { UserError } from '../errors.ts';

export const MODEL_NAMES = ['pca', 'ae', 'deep-ae', 'conv-ae', 'vae', 'conv-vae', 'cvae'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const VARIATIONAL_MODELS: readonly ModelName[] = ['vae', 'conv-vae', 'cvae'];
export const CONV_MODELS: readonly ModelName[] = ['conv-ae', 'conv-vae'];
const REGULARISED_MODELS: readonly ModelName[] = ['ae', 'deep-ae', 'conv-ae'];
const DENSE_HIDDEN_MODELS: readonly ModelName[] = ['deep-ae', 'vae', 'cvae'];

export type Denoise = { kind: 'gaussian'; sigma: number } | { kind: 'mask'; p: number };

/** Every training option, resolved (defaults filled in for the image size); stored as runs.config. */
export interface TrainConfig {
  model: ModelName;
  latent: number;
  epochs: number;
  batch: number;
  lr: number;
  loss: 'bce' | 'mse';
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  hidden: number[];
  filters: number[];
  activation: 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'linear';
  beta: number;
  denoise: Denoise | null;
  sparse: number;
  contractive: number;
  pretrain: 'none' | 'layerwise';
  pretrainEpochs: number;
  /** Class names in one-hot order (cvae only; filled from the dataset). */
  labels: string[];
}

/** What a caller may pass (CLI strings or API values); everything but `model` is optional. */
export type TrainOptions = Partial<Record<keyof TrainConfig, unknown>>;

export interface ImageShape {
  size: number;
  channels: 1 | 3;
}

const FLAG: Record<string, string> = { pretrainEpochs: '--pretrain-epochs' };
export const flagOf = (key: string): string => FLAG[key] ?? `--${key}`;

const number = () => z.coerce.number({ error: 'expected a number' });
const int = (min: number, max: number) =>
  number().int({ error: 'expected a whole number' }).min(min, { error: `expected at least ${min}` }).max(max, { error: `expected at most ${max}` });
const widths = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? [] : v.split(',').map((s) => Number(s.trim()))) : v),
  z.array(z.number({ error: 'expected comma-separated whole numbers, e.g. 256,64' }).int().min(1, { error: 'widths must be at least 1' }).max(8192), { error: 'expected comma-separated whole numbers, e.g. 256,64' }),
);
const denoise = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const [kind, amount] = v.split(':');
    return kind === 'gaussian' ? { kind, sigma: Number(amount) } : kind === 'mask' ? { kind, p: Number(amount) } : { kind };
  },
  z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('gaussian'), sigma: z.number().gt(0).max(1) }),
      z.object({ kind: z.literal('mask'), p: z.number().gt(0).lt(1) }),
    ], { error: 'expected gaussian:SIGMA (0 < SIGMA <= 1) or mask:P (0 < P < 1)' })
    .nullable(),
);

const schema = z
  .object({
    model: z.enum(MODEL_NAMES, { error: `expected one of ${MODEL_NAMES.join(', ')}` }),
    latent: int(1, 4096).optional(),
    epochs: int(1, 100000).optional(),
    batch: int(1, 65536).optional(),
    lr: number().gt(0, { error: 'expected a rate above 0' }).max(10).optional(),
    loss: z.enum(['bce', 'mse']).optional(),
    seed: int(0, 2 ** 31 - 1).optional(),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).optional(),
    hidden: widths.optional(),
    filters: widths.optional(),
    activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid', 'linear']).optional(),
    beta: number().min(0, { error: 'expected 0 or more' }).max(1000).optional(),
    denoise: denoise.optional(),
    sparse: number().min(0, { error: 'expected 0 or more' }).optional(),
    contractive: number().min(0, { error: 'expected 0 or more' }).optional(),
    pretrain: z.enum(['none', 'layerwise']).optional(),
    pretrainEpochs: int(1, 1000).optional(),
    labels: z.array(z.string()).optional(),
  })
  .strict();

function issueMessage(issue: z.core.$ZodIssue, input: TrainOptions): string {
  if (issue.code === 'unrecognized_keys') return `unknown training option ${issue.keys.map(flagOf).join(', ')}`;
  const key = String(issue.path[0] ?? '');
  const got = key in input ? ` (got ${JSON.stringify(input[key as keyof TrainConfig])})` : '';
  return `invalid ${flagOf(key)}: ${issue.message}${got}`;
}

function pow2Floor(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}

/** Dense widths from the input towards the code, scaled to the pixel count. */
export function defaultHidden(model: ModelName, pixels: number, latent: number): number[] {
  const first = Math.min(512, Math.max(32, pow2Floor(pixels / 2)));
  if (model !== 'deep-ae') return [first];
  return [first, Math.max(2 * latent, first / 4)];
}

/** As many 3x3 stride-2 conv layers as the size allows (up to 3), growing channels. */
export function defaultFilters(size: number): number[] {
  const widths = size <= 16 ? [16, 32] : [32, 64, 128];
  while (widths.length > 1 && size % 2 ** widths.length !== 0) widths.pop();
  return widths;
}

/** Validates options and fills defaults for the image shape. Throws a UserError naming the bad option. */
export function resolveConfig(options: TrainOptions, shape: ImageShape): TrainConfig {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new UserError(parsed.error.issues.map((i) => issueMessage(i, options)).join('; '), 'bad_config');
  }
  const o = parsed.data;
  const model = o.model;
  const pixels = shape.size * shape.size * shape.channels;
  const variational = VARIATIONAL_MODELS.includes(model);
  const conv = CONV_MODELS.includes(model);
  const given = (key: keyof TrainConfig) => o[key] !== undefined && o[key] !== null;
  const refuse = (key: keyof TrainConfig, models: readonly ModelName[]) => {
    if (given(key) && !models.includes(model)) {
      throw new UserError(`${flagOf(key)} does not apply to ${model}; it is for ${models.join(', ')}`, 'bad_config');
    }
  };
  refuse('beta', VARIATIONAL_MODELS);
  refuse('denoise', REGULARISED_MODELS);
  refuse('sparse', REGULARISED_MODELS);
  refuse('contractive', REGULARISED_MODELS);
  refuse('pretrain', ['deep-ae']);
  refuse('pretrainEpochs', ['deep-ae']);
  refuse('hidden', DENSE_HIDDEN_MODELS);
  refuse('filters', CONV_MODELS);
  refuse('activation', MODEL_NAMES.filter((m) => m !== 'pca'));

  const latent = o.latent ?? (pixels >= 256 ? 32 : 8);
  if (model === 'pca' && latent > pixels) {
    throw new UserError(`invalid --latent: pca can keep at most ${pixels} components for ${shape.size}x${shape.size}x${shape.channels} images`, 'bad_config');
  }
  const activation = o.activation ?? (model === 'pca' ? 'linear' : 'relu');
  const loss = o.loss ?? (variational ? 'bce' : 'mse');
  if (loss === 'bce' && activation === 'linear') {
    throw new UserError('invalid --loss: bce needs a sigmoid output; a linear network (--activation linear) trains with --loss mse', 'bad_config');
  }
  if (model === 'pca' && loss !== 'mse') throw new UserError('invalid --loss: pca minimises mse', 'bad_config');
  const filters = conv ? (o.filters ?? defaultFilters(shape.size)) : [];
  if (conv) {
    if (filters.length === 0) throw new UserError('invalid --filters: give at least one width, e.g. 32,64', 'bad_config');
    const step = 2 ** filters.length;
    if (shape.size % step !== 0) {
      throw new UserError(
        `invalid --filters: ${filters.length} stride-2 layers need the image size to be a multiple of ${step}, and it is ${shape.size}; use fewer layers`,
        'bad_config',
      );
    }
  }
  const hidden = DENSE_HIDDEN_MODELS.includes(model) ? (o.hidden ?? defaultHidden(model, pixels, latent)) : [];
  if (model === 'deep-ae' && hidden.length === 0) throw new UserError('invalid --hidden: deep-ae needs at least one hidden width, e.g. 256,64', 'bad_config');
  return {
    model,
    latent,
    epochs: model === 'pca' ? 1 : (o.epochs ?? 10),
    batch: o.batch ?? 128,
    lr: o.lr ?? 1e-3,
    loss,
    seed: o.seed ?? 1,
    backend: o.backend ?? 'auto',
    hidden,
    filters,
    activation,
    beta: o.beta ?? 1,
    denoise: o.denoise ?? null,
    sparse: o.sparse ?? 0,
    contractive: o.contractive ?? 0,
    pretrain: o.pretrain ?? 'none',
    pretrainEpochs: o.pretrainEpochs ?? 1,
    labels: o.labels ?? [],
  };
}
