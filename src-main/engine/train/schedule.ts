/** The learning rate falls to this share of its peak at the end of the cosine. */
const FINAL_SHARE = 0.02;
const WARMUP_SHARE = 0.05;
const MAX_WARMUP_STEPS = 300;

/**
 * Linear warm-up to the peak rate over the first steps (Adam's early moment estimates
 * are noisy), then cosine decay to FINAL_SHARE of it at `totalSteps`.
 */
export function learningRate(peak: number, step: number, totalSteps: number): number {
  const warmup = Math.max(1, Math.min(MAX_WARMUP_STEPS, Math.round(WARMUP_SHARE * totalSteps)));
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
  return peak * (FINAL_SHARE + (1 - FINAL_SHARE) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** The KL weight of a VAE: annealed from 0 to beta over the first `warmupShare` of training. */
export function klWeight(beta: number, warmupShare: number, step: number, totalSteps: number): number {
  if (warmupShare <= 0) return beta;
  return beta * Math.min(1, step / (warmupShare * totalSteps));
}

/** Epochs without improvement of the validation loss before training stops early. */
export function patience(plannedEpochs: number): number {
  return Math.max(5, Math.ceil(plannedEpochs / 10));
}
