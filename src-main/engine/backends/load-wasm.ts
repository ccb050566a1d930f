import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * Loads the wasm backend (SIMD binary) from the package's own dist folder, so it works
 * offline and from any working directory. Returns why it failed, or null when ready.
 */
export async function loadWasmBackend(): Promise<string | null> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(distDir + path.sep);
    const ok = await tf.setBackend('wasm');
    if (!ok) return 'the wasm backend failed to initialise';
    await tf.ready();
    return null;
  } catch (error) {
    return `the wasm backend could not be loaded (${(error as Error).message})`;
  }
}
