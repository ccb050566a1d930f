/**
 * The one definition of every training option: its type and bounds (zod), its help text
 * (describe), what it defaults to (data, not prose) and which models it applies to. The
 * API validates startTraining with it, the engine resolves defaults from it, the CLI makes
 * its flags and help from it and the Train view its form. Imports only zod.
 */
import { z } from 'zod';

export const MODEL_NAMES = ['pca', 'ae', 'deep-ae', 'conv-ae', 'vae', 'conv-vae', 'cvae'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const VARIATIONAL_MODELS: readonly ModelName[] = ['vae', 'conv-vae', 'cvae'];
export const CONV_MODELS: readonly ModelName[] = ['conv-ae', 'conv-vae'];
const REGULARISED_MODELS: readonly ModelName[] = ['ae', 'deep-ae', 'conv-ae'];
const DENSE_HIDDEN_MODELS: readonly ModelName[] = ['deep-ae', 'vae', 'cvae'];
const TRAINED_MODELS: readonly ModelName[] = MODEL_NAMES.filter((m) => m !== 'pca');

/** How a field is typed in on a command line or a form. */
export type OptionKind = 'choice' | 'int' | 'number' | 'widths' | 'text';

export interface OptionMeta {
  kind: OptionKind;
  /** The fixed default; absent when the engine chooses it from the data and the model (`auto` says how). */
  fixed?: string | number;
  /** How the default is chosen when it depends on the data or the model. */
  auto?: string;
  /** Models the option applies to; absent = every model. */
  models?: readonly ModelName[];
  /** Shown on the form's first page (the rest sit under "More options"). */
  basic?: boolean;
  /** Placeholder of a free-text field. */
  example?: string;
}

const number = () => z.coerce.number({ error: 'expected a number' });
const int = (min: number, max: number) =>
  number().int({ error: 'expected a whole number' }).min(min, { error: `expected at least ${min}` }).max(max, { error: `expected at most ${max}` });
const widths = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? [] : v.split(',').map((s) => Number(s.trim()))) : v),
  z.array(z.number({ error: 'expected comma-separated whole numbers, e.g. 256,64' }).int().min(1, { error: 'widths must be at least 1' }).max(8192), { error: 'expected comma-separated whole numbers, e.g. 256,64' }).max(16),
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

/** An optional option with its help text and metadata. */
function option<T extends z.ZodType>(schema: T, help: string, meta: OptionMeta) {
  return schema.optional().describe(help).meta({ option: meta });
}

export const trainOptionsSchema = z.strictObject({
  model: option(z.enum(MODEL_NAMES, { error: `expected one of ${MODEL_NAMES.join(', ')}` }), 'model family', {
    kind: 'choice', auto: 'the recommended recipe for the images (conv-ae for images of 16 px and more)', basic: true,
  }),
  name: option(z.string().max(200), 'a name for the run', { kind: 'text', basic: true, example: 'e.g. faces, wide filters' }),
  latent: option(int(1, 4096), 'code size', { kind: 'int', auto: 'from the item count: 8 under 1,000 images, 16 under 20,000, else 32', basic: true }),
  epochs: option(int(1, 100_000), 'exactly this many passes over the training images (no early stopping); with --resume, the new total', {
    kind: 'int', auto: 'from the data: at least 20,000 optimiser steps, early stopping on validation loss, best epoch kept', basic: true,
  }),
  maxMinutes: option(number().gt(0, { error: 'expected minutes above 0' }).max(10_000), 'upper bound on training time; the schedule is fitted to it after the first epoch', {
    kind: 'number', auto: '8 minutes when --epochs is not given, else none', basic: true,
  }),
  batch: option(int(1, 65_536), 'batch size', { kind: 'int', auto: 'conv-ae: 16 under 5,000 images, else 32; other models 64 under 20,000, else 128', basic: true }),
  lr: option(number().gt(0, { error: 'expected a rate above 0' }).max(10), 'peak Adam learning rate (linear warm-up, cosine decay)', {
    kind: 'number', auto: '0.004 for conv-ae, 0.002 for conv-vae, 0.001 otherwise',
  }),
  loss: option(z.enum(['bce', 'mse', 'gaussian']), 'reconstruction loss; gaussian: a Gaussian decoder with calibrated variance (sigma-VAE), for VAEs', {
    kind: 'choice', auto: 'mse for autoencoders; gaussian for VAEs on colour images, bce on grey ones',
  }),
  seed: option(int(0, 2 ** 31 - 1), 'seed for initial weights, shuffling and noise', { kind: 'int', fixed: 1 }),
  backend: option(z.enum(['auto', 'tensorflow', 'wasm', 'cpu']), 'compute backend', { kind: 'choice', fixed: 'auto' }),
  threads: option(int(1, 8), 'compute threads of the wasm backend (the run records how many it used)', { kind: 'int', auto: 'LATENT_LAB_THREADS, else every core (at most 8)' }),
  hidden: option(widths, 'dense widths from the input to the code', { kind: 'widths', auto: 'scaled to the pixel count', models: DENSE_HIDDEN_MODELS, example: 'e.g. 512,128' }),
  filters: option(widths, 'conv widths from the input: a 4x4 stride-2 conv with batch norm per width, a 3x3 conv on the smallest map', {
    kind: 'widths', auto: 'grows with the image size: 16,32 at 28 px, 16,32,64 at 64 px', models: CONV_MODELS, example: 'e.g. 32,64,128',
  }),
  activation: option(z.enum(['relu', 'elu', 'tanh', 'sigmoid', 'linear']), 'hidden activation (linear: a fully linear network)', { kind: 'choice', fixed: 'relu', models: TRAINED_MODELS }),
  beta: option(number().min(0, { error: 'expected 0 or more' }).max(1000), 'weight of the KL term (beta-VAE), reached after the KL warm-up', { kind: 'number', fixed: 1, models: VARIATIONAL_MODELS }),
  klWarmup: option(number().min(0, { error: 'expected 0 or more' }).max(1), 'share of the training over which the KL weight rises from 0 to beta', { kind: 'number', fixed: 0.2, models: VARIATIONAL_MODELS }),
  freeBits: option(number().min(0, { error: 'expected 0 or more' }).max(10), 'nats per latent dimension the KL term does not charge for (free bits)', { kind: 'number', fixed: 0, models: VARIATIONAL_MODELS }),
  denoise: option(denoise, 'train on corrupted input: gaussian:SIGMA or mask:P', { kind: 'text', models: REGULARISED_MODELS, example: 'gaussian:0.2 or mask:0.25' }),
  sparse: option(number().min(0, { error: 'expected 0 or more' }), 'L1 penalty on the code', { kind: 'number', fixed: 0, models: REGULARISED_MODELS }),
  contractive: option(number().min(0, { error: 'expected 0 or more' }), "penalty on the encoder Jacobian's Frobenius norm", { kind: 'number', fixed: 0, models: REGULARISED_MODELS }),
  pretrain: option(z.enum(['none', 'layerwise']), 'greedy layer-wise pretraining', { kind: 'choice', fixed: 'none', models: ['deep-ae'] }),
  pretrainEpochs: option(int(1, 1000), 'epochs per layer pair of layer-wise pretraining', { kind: 'int', fixed: 1, models: ['deep-ae'] }),
  /** Class names in one-hot order (cvae; filled from the dataset, never typed). */
  labels: z.array(z.string()).optional(),
});

export type TrainOptionKey = Exclude<keyof typeof trainOptionsSchema.shape, 'labels'>;

/** What a caller may pass (CLI strings or API values); everything is optional. */
export type TrainOptions = Partial<Record<TrainOptionKey | 'labels', unknown>>;

type ParsedOptions = z.output<typeof trainOptionsSchema>;
/** Options that stay null when not given (no time bound, the default threads, no corruption). */
type NullWhenUnset = 'maxMinutes' | 'threads' | 'denoise';

/**
 * Every training option, resolved (defaults filled in from the data; engine/config.ts
 * resolveConfig); stored as runs.config. Made from the schema, so a new option is typed here
 * as soon as it is declared above; `name` is the run's, not its config's.
 */
export type TrainConfig = { [K in Exclude<keyof ParsedOptions, 'name' | NullWhenUnset>]-?: NonNullable<ParsedOptions[K]> } & {
  [K in NullWhenUnset]: NonNullable<ParsedOptions[K]> | null;
} & {
  /** Stop when the validation loss stops improving and keep the best epoch's weights (off with --epochs). */
  earlyStop: boolean;
  /** The compute threads the run got (`threads` is what was asked for). */
  threadsUsed?: number;
  /** The OpenBLAS build its matrix products ran on (wasm with native kernels: "OpenBLAS 0.3.21"); absent without. */
  blasUsed?: string;
  /** What the recommended recipe chose and why; null when the model was given. */
  recipe: string | null;
};

export type Denoise = NonNullable<TrainConfig['denoise']>;

export interface TrainOptionSpec extends OptionMeta {
  key: TrainOptionKey;
  help: string;
  /** The choices of a `choice` option. */
  choices?: readonly string[];
}

function unwrapChoices(schema: z.ZodType): readonly string[] | undefined {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodEnum ? (s.options as string[]) : undefined;
}

/** Every typed option in declaration order, with its help, default and kind (for flags and forms). */
export const TRAIN_OPTION_SPECS: readonly TrainOptionSpec[] = Object.entries(trainOptionsSchema.shape)
  .filter(([key]) => key !== 'labels')
  .map(([key, schema]) => ({
    key: key as TrainOptionKey,
    help: schema.description ?? key,
    choices: unwrapChoices(schema as z.ZodType),
    ...((schema.meta() as { option: OptionMeta }).option),
  }));

/** The spec of one option. */
export function optionSpec(key: TrainOptionKey): TrainOptionSpec {
  return TRAIN_OPTION_SPECS.find((s) => s.key === key)!;
}

/** The command-line flag of an option key: maxMinutes -> --max-minutes. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Whether an option applies to a model. */
export function appliesTo(spec: Pick<OptionMeta, 'models'>, model: ModelName): boolean {
  return spec.models === undefined || spec.models.includes(model);
}
