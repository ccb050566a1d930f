import type { ModelName } from '../config.ts';
import type { ModelFamily } from './types.ts';
import { ae } from './ae.ts';
import { convAe } from './conv-ae.ts';
import { convVae } from './conv-vae.ts';
import { cvae } from './cvae.ts';
import { deepAe } from './deep-ae.ts';
import { pca } from './pca.ts';
import { vae } from './vae.ts';

/** Every model family, by the name users type (--model). */
export const MODEL_FAMILIES: Record<ModelName, ModelFamily> = {
  pca,
  ae,
  'deep-ae': deepAe,
  'conv-ae': convAe,
  vae,
  'conv-vae': convVae,
  cvae,
};

export function familyOf(name: ModelName): ModelFamily {
  return MODEL_FAMILIES[name];
}
