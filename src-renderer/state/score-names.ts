import type { OutlierScore } from '../../src-main/contract/contract.ts';

/** How each outlier score is named on screen. */
export const scoreLabels: Record<OutlierScore, string> = {
  combined: 'outlier score (combined)',
  complexity_corrected: 'likelihood minus complexity',
  latent_density: 'latent density (Mahalanobis)',
  neg_elbo: 'negative ELBO',
  recon_error: 'reconstruction error',
};
