import * as tf from '@tensorflow/tfjs';

// A variable specifier keeps TypeScript and bundlers from requiring the optional package.
const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * Loads @tensorflow/tfjs-node (native libtensorflow), an optional dependency that an
 * offline install skips. Importing it registers the 'tensorflow' backend.
 * Returns why it failed, or null when ready.
 */
export async function loadTensorflowBackend(): Promise<string | null> {
  try {
    await import(TFJS_NODE);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return 'tfjs-node is not installed (an offline install skips it)';
    }
    return `tfjs-node is installed but failed to load (${(error as Error).message})`;
  }
  try {
    const ok = await tf.setBackend('tensorflow');
    if (!ok) return 'tfjs-node loaded but its backend failed to initialise';
    await tf.ready();
    return null;
  } catch (error) {
    return `tfjs-node loaded but its backend failed to initialise (${(error as Error).message})`;
  }
}
