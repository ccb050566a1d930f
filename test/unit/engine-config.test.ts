import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFilters, resolveConfig } from '../../src-main/engine/config.ts';

const mnist = { size: 28, channels: 1 } as const;

test('defaults follow the model and the image size', () => {
  const ae = resolveConfig({ model: 'ae' }, mnist);
  assert.equal(ae.latent, 32);
  assert.equal(ae.loss, 'mse');
  assert.deepEqual(ae.hidden, []);
  const vae = resolveConfig({ model: 'vae' }, mnist);
  assert.equal(vae.loss, 'bce');
  assert.deepEqual(vae.hidden, [256]);
  assert.deepEqual(resolveConfig({ model: 'deep-ae' }, mnist).hidden, [256, 64]);
  assert.deepEqual(resolveConfig({ model: 'conv-ae' }, mnist).filters, [16, 32]);
  assert.deepEqual(defaultFilters(64), [16, 32, 64]);
  assert.equal(resolveConfig({ model: 'ae' }, { size: 8, channels: 1 }).latent, 8);
  assert.equal(resolveConfig({ model: 'pca', epochs: 9 }, mnist).epochs, 1);
});

test('CLI strings are parsed: widths, denoise specs, numbers', () => {
  const c = resolveConfig({ model: 'deep-ae', hidden: '128, 32', denoise: 'mask:0.25', latent: '16', lr: '0.01', sparse: '0.001' }, mnist);
  assert.deepEqual(c.hidden, [128, 32]);
  assert.deepEqual(c.denoise, { kind: 'mask', p: 0.25 });
  assert.equal(c.latent, 16);
  assert.equal(c.lr, 0.01);
  assert.deepEqual(resolveConfig({ model: 'ae', denoise: 'gaussian:0.3' }, mnist).denoise, { kind: 'gaussian', sigma: 0.3 });
});

test('bad values are refused with a message naming the option', () => {
  const refused = (options: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => resolveConfig({ model: 'ae', ...options }, mnist), (e: Error) => e.name === 'UserError' && pattern.test(e.message));
  refused({ latent: '0' }, /--latent: expected at least 1/);
  refused({ latent: 'abc' }, /--latent: expected a number \(got "abc"\)/);
  refused({ epochs: '1.5' }, /--epochs: expected a whole number/);
  refused({ lr: '-1' }, /--lr/);
  refused({ denoise: 'blur:2' }, /--denoise: expected gaussian:SIGMA/);
  refused({ denoise: 'mask:1.5' }, /--denoise/);
  refused({ model: 'resnet' }, /--model: expected one of pca, ae/);
  refused({ frobnicate: 1 }, /unknown training option --frobnicate/);
  refused({ loss: 'bce', activation: 'linear' }, /--loss: bce needs a sigmoid output/);
});

test('options that do not apply to the model are refused, naming both', () => {
  assert.throws(() => resolveConfig({ model: 'vae', sparse: 0.1 }, mnist), /--sparse does not apply to vae/);
  assert.throws(() => resolveConfig({ model: 'ae', beta: 4 }, mnist), /--beta does not apply to ae; it is for vae, conv-vae, cvae/);
  assert.throws(() => resolveConfig({ model: 'ae', hidden: '64' }, mnist), /--hidden does not apply to ae/);
  assert.throws(() => resolveConfig({ model: 'ae', pretrain: 'layerwise' }, mnist), /--pretrain does not apply to ae/);
  assert.throws(() => resolveConfig({ model: 'conv-ae', filters: '8,16,32' }, { size: 12, channels: 1 }), /--filters: 3 stride-2 layers need the image size to be a multiple of 8/);
  assert.throws(() => resolveConfig({ model: 'pca', latent: 200 }, { size: 12, channels: 1 }), /--latent: pca can keep at most 144/);
});
