import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` (vite) puts the renderer: out/renderer at the repository root. */
export const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/renderer');
