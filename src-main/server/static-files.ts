import fs from 'node:fs';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  file: string;
  contentType: string;
}

/**
 * The built renderer as a fixed table of URL path -> file, read once at start.
 * Requests are looked up in the table, never joined onto a folder, so no URL
 * can reach a file outside it.
 */
export function staticFileTable(dir: string): Map<string, StaticFile> {
  const table = new Map<string, StaticFile>();
  if (!fs.existsSync(path.join(dir, 'index.html'))) return table;
  const walk = (folder: string, prefix: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        const type = contentTypes[path.extname(entry.name).toLowerCase()] ?? 'application/octet-stream';
        table.set(`${prefix}${entry.name}`, { file: full, contentType: type });
      }
    }
  };
  walk(dir, '/');
  const index = table.get('/index.html');
  if (index) table.set('/', index);
  return table;
}
