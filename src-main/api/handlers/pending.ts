import { UserError } from '../../errors.ts';
import type { Handlers } from './types.ts';

// TEMPORARY: methods whose rooms have not landed yet. Each moves to its room's handler file.
function pending(): never {
  throw new UserError('This part of Latent Lab is not available in this build yet.', 'unsupported');
}

export const pendingHandlers = {
  startDemo: pending,
  listModels: pending,
  startTraining: pending,
  stopTraining: pending,
  resumeTraining: pending,
  project: pending,
  neighbours: pending,
  codes: pending,
  decode: pending,
  reconstruct: pending,
  interpolate: pending,
  attributeVectors: pending,
  applyAttribute: pending,
  analogy: pending,
  samples: pending,
  manifold: pending,
  outliers: pending,
  exportCsv: pending,
} satisfies Partial<Handlers>;
