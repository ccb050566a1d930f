import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** A file or folder the import could not use, with a reason a person can act on. */
export interface Skipped {
  path: string;
  reason: string;
}

export interface ScannedFile {
  /** Relative to the root, '/' separated; undecodable name bytes are written as %XX. */
  relPath: string;
  /** The exact bytes of the absolute path, so names that are not UTF-8 still open. */
  absPath: Buffer;
  /** First-level folder name; null for files directly in the root. */
  label: string | null;
  bytes: number;
}

/** File name endings of the formats this sharp build reads (libvips' own raw format left out). */
export const imageExtensions: ReadonlySet<string> = new Set(
  Object.entries(sharp.format)
    .filter(([id, format]) => format.input.file && id !== 'vips')
    .flatMap(([, format]) => format.input.fileSuffix ?? [])
    .map((suffix) => suffix.toLowerCase()),
);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A name as text: UTF-8 when it is, otherwise each byte >= 0x80 written as %XX (stable across scans). */
export function nameToText(name: Buffer): string {
  try {
    return utf8.decode(name);
  } catch {
    let text = '';
    for (const byte of name) text += byte < 0x80 ? String.fromCharCode(byte) : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    return text;
  }
}

export function isImageName(name: string): boolean {
  return imageExtensions.has(path.extname(name).toLowerCase());
}

export function describeFsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: the file cannot be read by this user';
    case 'ELOOP':
      return 'symbolic link loop: the link points back to itself';
    case 'ENOENT':
      return 'broken link or file removed during the import';
    default:
      return `cannot read it (${error.code ?? error.message})`;
  }
}

function notAnImage(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return `not an image: ${ext ? `${ext} files are` : 'a file without an extension is'} not one of the formats this build reads (${[...imageExtensions].join(' ')})`;
}

/**
 * Walks a folder recursively, following symbolic links but never into a
 * folder it has already visited (so link loops end). Files with an image
 * extension are candidates; every other file is listed in `skipped` with a
 * reason, except hidden ones and those `passOver` names (the attributes file).
 */
export function scanFolder(root: string, signal?: AbortSignal, passOver: (relPath: string) => boolean = () => false): { files: ScannedFile[]; skipped: Skipped[] } {
  const files: ScannedFile[] = [];
  const skipped: Skipped[] = [];
  const visited = new Set<string>();
  const rootBytes = Buffer.from(path.resolve(root));

  const walk = (dirBytes: Buffer, relParts: string[]): void => {
    signal?.throwIfAborted();
    const relDir = relParts.join('/');
    let dirStat: fs.Stats;
    let entries: fs.Dirent<Buffer>[];
    try {
      dirStat = fs.statSync(dirBytes);
      const key = `${dirStat.dev}:${dirStat.ino}`;
      if (visited.has(key)) {
        skipped.push({ path: relDir, reason: 'link back to a folder already scanned (a link loop); not followed' });
        return;
      }
      visited.add(key);
      entries = fs.readdirSync(dirBytes, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      skipped.push({ path: relDir || '.', reason: `folder ${describeFsError(error as NodeJS.ErrnoException)}` });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      const name = nameToText(entry.name);
      if (name.startsWith('.')) continue;
      const abs = Buffer.concat([dirBytes, Buffer.from(path.sep), entry.name]);
      const rel = [...relParts, name];
      let stat: fs.Stats;
      try {
        stat = fs.statSync(abs);
      } catch (error) {
        if (entry.isSymbolicLink() || isImageName(name)) skipped.push({ path: rel.join('/'), reason: describeFsError(error as NodeJS.ErrnoException) });
        continue;
      }
      if (stat.isDirectory()) {
        walk(abs, rel);
      } else if (!isImageName(name)) {
        if (!passOver(rel.join('/'))) skipped.push({ path: rel.join('/'), reason: notAnImage(name) });
      } else if (!stat.isFile()) {
        skipped.push({ path: rel.join('/'), reason: 'not a regular file (a pipe, socket or device); not read' });
      } else if (stat.size === 0) {
        skipped.push({ path: rel.join('/'), reason: 'empty file (0 bytes)' });
      } else {
        files.push({ relPath: rel.join('/'), absPath: abs, label: rel.length > 1 ? rel[0] : null, bytes: stat.size });
      }
    }
  };

  walk(rootBytes, []);
  return { files, skipped };
}
