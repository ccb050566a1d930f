import fs from 'node:fs';
import path from 'node:path';
import { checkFolder } from '../dataset/dataset-row.ts';
import { UserError } from '../errors.ts';

/**
 * The attributes file a caller of the API may name: one inside the folder it
 * imports (relative names are taken from that folder), symlinks resolved
 * first, so a page cannot make the import read, and echo in its messages,
 * any other file. A file outside is refused unread. (The CLI's --attributes
 * names any file: the person typed it.)
 */
export function attributesFileInside(folder: string, file: string): string {
  const root = fs.realpathSync(checkFolder(folder));
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(root, file));
  } catch {
    throw new UserError(`There is no attributes file "${file}" in ${folder}.`, 'not_found');
  }
  const relative = path.relative(root, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new UserError(`The attributes file must be inside the folder being imported (${folder}); "${file}" is not, so it was not read.`, 'attributes_outside');
  }
  return real;
}
