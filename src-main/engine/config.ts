import type { z } from 'zod';
import {
  appliesTo,
  CONV_MODELS,
  flagOf,
  MODEL_NAMES,
  optionSpec,
  TRAIN_OPTION_SPECS,
  trainOptionsSchema,
  VARIATIONAL_MODELS,
  type ModelName,
  type TrainOptionKey,
  type TrainOptions,
} from '../contract/train-config.ts';
import { UserError } from '../errors.ts';
import { defaultFilters, defaultHidden, recommendRecipe, trainingPlan } from './recipe.ts';

export { defaultFilters, defaultHidden };
export { CONV_MODELS, flagOf, MODEL_NAMES, VARIATIONAL_MODELS, type ModelName, type TrainOptions };

export type Denoise = { kind: 'gaussian'; sigma: number } | { kind: 'mask'; p: number };

/** Every training option, resolved (defaults filled in from the data); stored as runs.config. */
export interface TrainConfig {
  model: ModelName;
  latent: number;
  /** Planned passes over the training set (the most it runs). */
  epochs: number;
  /** Stop when the validation loss stops improving and keep the best epoch's weights (off with --epochs). */
  earlyStop: boolean;
  /** Upper bound on training time; null = none. */
  maxMinutes: number | null;
  batch: number;
  lr: number;
  loss: 'bce' | 'mse' | 'gaussian';
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Compute threads asked for; null: LATENT_LAB_THREADS, else every core for conv models and 1 for dense ones. The run's `threadsUsed` says what it got. */
  threads: number | null;
  threadsUsed?: number;
  hidden: number[];
  filters: number[];
  activation: 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'linear';
  beta: number;
  klWarmup: number;
  freeBits: number;
  denoise: Denoise | null;
  sparse: number;
  contractive: number;
  pretrain: 'none' | 'layerwise';
  pretrainEpochs: number;
  /** Class names in one-hot order (cvae only; filled from the dataset). */
  labels: string[];
  /** What the recommended recipe chose and why; null when the model was given. */
  recipe: string | null;
}

export interface ImageShape {
  size: number;
  channels: 1 | 3;
}

/** The image shape and how many training images there are: what the defaults are chosen from. */
export interface DataShape extends ImageShape {
  count: number;
}

type Parsed = z.output<typeof trainOptionsSchema>;

function issueMessage(issue: z.core.$ZodIssue, input: TrainOptions): string {
  if (issue.code === 'unrecognized_keys') return `unknown training option ${issue.keys.map(flagOf).join(', ')}`;
  const key = String(issue.path[0] ?? '');
  const got = key in input ? ` (got ${JSON.stringify(input[key as keyof TrainOptions])})` : '';
  return `invalid ${flagOf(key)}: ${issue.message}${got}`;
}

const given = (o: Parsed, key: keyof Parsed) => o[key] !== undefined && o[key] !== null;

/** The option's value, or its fixed default from the schema's metadata. */
function orFixed<K extends keyof Parsed & TrainOptionKey>(o: Parsed, key: K): NonNullable<Parsed[K]> {
  return (o[key] ?? optionSpec(key).fixed) as NonNullable<Parsed[K]>;
}

function refuseInapplicable(o: Parsed, model: ModelName): void {
  for (const spec of TRAIN_OPTION_SPECS) {
    if (given(o, spec.key) && !appliesTo(spec, model)) {
      throw new UserError(`${flagOf(spec.key)} does not apply to ${model}; it is for ${spec.models!.join(', ')}`, 'bad_config');
    }
  }
}

/**
 * Validates options and fills every default from the data (`recipe.ts`): with no model,
 * the recommended recipe; with no --epochs, a length from the item count with early
 * stopping and a time bound. Throws a UserError naming the bad option.
 */
export function resolveConfig(options: TrainOptions, data: ImageShape & { count?: number }): TrainConfig {
  const parsed = trainOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new UserError(parsed.error.issues.map((i) => issueMessage(i, options)).join('; '), 'bad_config');
  }
  const o = parsed.data;
  const shape: DataShape = { size: data.size, channels: data.channels, count: data.count ?? 10_000 };
  const recipe = o.model === undefined ? recommendRecipe(shape) : null;
  const model = o.model ?? recipe!.model;
  refuseInapplicable(o, model);
  const pixels = shape.size * shape.size * shape.channels;
  const variational = VARIATIONAL_MODELS.includes(model);
  const conv = CONV_MODELS.includes(model);

  const latent = o.latent ?? recipe?.latent ?? (pixels >= 256 ? 32 : 8);
  if (model === 'pca' && latent > pixels) {
    throw new UserError(`invalid --latent: pca can keep at most ${pixels} components for ${shape.size}x${shape.size}x${shape.channels} images`, 'bad_config');
  }
  const activation = model === 'pca' ? 'linear' : orFixed(o, 'activation');
  const loss = o.loss ?? (variational ? (shape.channels === 3 ? 'gaussian' : 'bce') : 'mse');
  if (loss === 'bce' && activation === 'linear') {
    throw new UserError('invalid --loss: bce needs a sigmoid output; a linear network (--activation linear) trains with --loss mse', 'bad_config');
  }
  if (model === 'pca' && loss !== 'mse') throw new UserError('invalid --loss: pca minimises mse', 'bad_config');
  if (loss === 'gaussian' && !variational) throw new UserError(`invalid --loss: gaussian is the VAEs' decoder likelihood; ${model} trains with mse or bce`, 'bad_config');
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
  const hidden = ['deep-ae', 'vae', 'cvae'].includes(model) ? (o.hidden ?? defaultHidden(model, pixels, latent)) : [];
  if (model === 'deep-ae' && hidden.length === 0) throw new UserError('invalid --hidden: deep-ae needs at least one hidden width, e.g. 256,64', 'bad_config');
  const plan = trainingPlan(shape, { epochs: o.epochs, batch: o.batch, maxMinutes: o.maxMinutes });
  return {
    model,
    latent,
    epochs: model === 'pca' ? 1 : plan.epochs,
    earlyStop: model !== 'pca' && plan.earlyStop,
    maxMinutes: model === 'pca' ? null : plan.maxMinutes,
    batch: plan.batch,
    lr: o.lr ?? (conv ? 2e-3 : 1e-3),
    loss,
    seed: orFixed(o, 'seed'),
    backend: orFixed(o, 'backend'),
    threads: o.threads ?? null,
    hidden,
    filters,
    activation,
    beta: orFixed(o, 'beta'),
    klWarmup: variational ? orFixed(o, 'klWarmup') : 0,
    freeBits: orFixed(o, 'freeBits'),
    denoise: o.denoise ?? null,
    sparse: orFixed(o, 'sparse'),
    contractive: orFixed(o, 'contractive'),
    pretrain: orFixed(o, 'pretrain'),
    pretrainEpochs: orFixed(o, 'pretrainEpochs'),
    labels: o.labels ?? [],
    recipe: recipe?.reason ?? null,
  };
}

/** A config stored by an older version, with the fields added since filled as that version trained. */
export function upgradeStoredConfig(stored: Partial<TrainConfig> & Pick<TrainConfig, 'model' | 'epochs'>): TrainConfig {
  return { earlyStop: false, maxMinutes: null, klWarmup: 0, freeBits: 0, recipe: null, threads: null, ...stored } as TrainConfig;
}
