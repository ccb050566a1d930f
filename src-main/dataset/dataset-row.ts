import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import type { Fit } from './decode.ts';
import type { ImportOptions } from './import.ts';

/** The datasets row an import works on: argument checks, lookup by folder, creation and renaming. */
export const DEFAULT_SIZE = 64;

export interface DatasetRow {
  id: number;
  name: string;
  size: number;
  channels: 1 | 3;
  fit: Fit;
  seed: number;
  val_fraction: number;
}

export function checkFolder(folder: string): string {
  const root = path.resolve(folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new UserError(`The folder ${folder} does not exist.`, 'not_found');
  }
  if (!stat.isDirectory()) throw new UserError(`${folder} is a file, not a folder: point the import at the folder that holds the images.`, 'not_a_folder');
  return root;
}

function checkSettings(existing: DatasetRow, options: ImportOptions): void {
  const differs: string[] = [];
  if (options.size !== undefined && options.size !== existing.size) differs.push(`--size ${existing.size}`);
  if (options.channels !== undefined && options.channels !== 'auto' && options.channels !== existing.channels) differs.push(`--channels ${existing.channels}`);
  if (options.fit !== undefined && options.fit !== existing.fit) differs.push(`--fit ${existing.fit}`);
  if (differs.length > 0) {
    throw new UserError(
      `This folder was imported before as dataset "${existing.name}" with ${differs.join(', ')}; a re-import keeps those settings. ` +
        `Run it again with ${differs.join(' ')} (or without these options).`,
      'settings_changed',
    );
  }
}

export function validate(options: ImportOptions): void {
  const { size, channels, fit } = options;
  if (size !== undefined && (!Number.isInteger(size) || size < 4 || size > 512)) throw new UserError(`--size must be a whole number of pixels from 4 to 512, not ${size}.`);
  if (channels !== undefined && channels !== 1 && channels !== 3 && channels !== 'auto') throw new UserError(`--channels must be 1, 3 or auto, not ${channels}.`);
  if (fit !== undefined && fit !== 'cover' && fit !== 'contain') throw new UserError(`--fit must be cover or contain, not ${fit}.`);
}

/** The dataset of this folder: the existing one (settings checked), or a creator for a new one. */
export function findOrCreateDataset(db: Db, root: string, options: ImportOptions, channels: () => Promise<1 | 3>) {
  const existing = db.prepare('SELECT * FROM datasets WHERE root = ?').get(root) as DatasetRow | undefined;
  if (existing) {
    checkSettings(existing, options);
    if (options.name && options.name !== existing.name) renameDataset(db, existing, options.name);
    return { dataset: existing, created: false };
  }
  const name = options.name ?? path.basename(root);
  const clash = db.prepare('SELECT root FROM datasets WHERE name = ?').get(name) as { root: string } | undefined;
  if (clash) throw new UserError(`A dataset named "${name}" already exists (from ${clash.root}); choose another name with --name.`, 'name_taken');
  return {
    created: true,
    create: async (): Promise<DatasetRow> => {
      const row = { name, root, size: options.size ?? DEFAULT_SIZE, channels: await channels(), fit: options.fit ?? 'cover' };
      const id = Number(db.prepare('INSERT INTO datasets (name, root, size, channels, fit) VALUES (@name, @root, @size, @channels, @fit)').run(row).lastInsertRowid);
      return db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow;
    },
  };
}

function renameDataset(db: Db, dataset: DatasetRow, name: string): void {
  const clash = db.prepare('SELECT id FROM datasets WHERE name = ? AND id != ?').get(name, dataset.id);
  if (clash) throw new UserError(`A dataset named "${name}" already exists; choose another name with --name.`, 'name_taken');
  db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name, dataset.id);
  dataset.name = name;
}

