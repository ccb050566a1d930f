import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMPORT_SIZE } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import { datasetByName, datasetsOfFolder, insertDataset, isNameTaken, type DatasetRecord } from '../store/datasets.ts';
import type { Db } from '../store/open.ts';
import { DEFAULT_BACKGROUND, parseBackground } from './background.ts';
import type { ImportOptions } from './import.ts';

/** The datasets row an import works on: argument checks, lookup by name or folder and settings, creation. */

export type DatasetRow = DatasetRecord;

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

/** The settings this import asks for explicitly (undefined: not asked, any is fine). */
function requested(options: ImportOptions) {
  return {
    size: options.size,
    channels: options.channels === 'auto' ? undefined : options.channels,
    fit: options.fit,
    background: options.background === undefined ? undefined : parseBackground(options.background),
  };
}

function differences(existing: DatasetRow, options: ImportOptions): string[] {
  const asked = requested(options);
  const differs: string[] = [];
  if (asked.size !== undefined && asked.size !== existing.size) differs.push(`--size ${existing.size}`);
  if (asked.channels !== undefined && asked.channels !== existing.channels) differs.push(`--channels ${existing.channels}`);
  if (asked.fit !== undefined && asked.fit !== existing.fit) differs.push(`--fit ${existing.fit}`);
  if (asked.background !== undefined && asked.background !== existing.background) differs.push(`--background ${existing.background}`);
  return differs;
}

export function validate(options: ImportOptions): void {
  const { size, channels, fit } = options;
  if (size !== undefined && (!Number.isInteger(size) || size < 4 || size > 512)) throw new UserError(`--size must be a whole number of pixels from 4 to 512, not ${size}.`);
  if (channels !== undefined && channels !== 1 && channels !== 3 && channels !== 'auto') throw new UserError(`--channels must be 1, 3 or auto, not ${channels}.`);
  if (fit !== undefined && fit !== 'cover' && fit !== 'contain') throw new UserError(`--fit must be cover or contain, not ${fit}.`);
  if (options.background !== undefined) parseBackground(options.background);
}

function describe(d: DatasetRow): string {
  return `"${d.name}" (${d.size}px, ${d.channels === 1 ? 'grayscale' : 'RGB'}, ${d.fit}, background ${d.background})`;
}

/**
 * The dataset this import adds to. `--name` picks a dataset by name (the
 * same folder's: a re-import) or names a new one; it never renames. Without
 * it, the folder's dataset whose settings match what was asked is re-imported,
 * and when none matches a new one is made, named after the folder and, when
 * the folder already has a dataset, its size ("icons-32px").
 */
export function findOrCreateDataset(db: Db, root: string, options: ImportOptions, channels: () => Promise<1 | 3>): FoundDataset {
  if (options.name) {
    const named = datasetByName(db, options.name);
    if (named && named.root !== root) {
      throw new UserError(`A dataset named "${options.name}" already exists (from ${named.root}); choose another name with --name.`, 'name_taken');
    }
    if (named) {
      const differs = differences(named, options);
      if (differs.length > 0) {
        throw new UserError(
          `Dataset "${named.name}" was imported with ${differs.join(', ')}; a re-import keeps its settings. ` +
            `Leave out --name (or give a new one) to import this folder as another dataset with these settings.`,
          'settings_changed',
        );
      }
      return { dataset: named, created: false };
    }
    return creator(db, root, options, options.name, channels);
  }
  const ofFolder = datasetsOfFolder(db, root);
  const matching = ofFolder.filter((d) => differences(d, options).length === 0);
  if (matching.length === 1) return { dataset: matching[0], created: false };
  if (matching.length > 1) {
    throw new UserError(`The folder ${root} was imported as ${matching.length} datasets: ${matching.map(describe).join(', ')}. Choose one with --name, or give the settings that tell them apart.`, 'ambiguous');
  }
  return creator(db, root, options, freeName(db, root, options, ofFolder.length > 0), channels);
}

/** The folder's name; when the folder has a dataset already, with the size ("icons-32px"), then a number. */
function freeName(db: Db, root: string, options: ImportOptions, folderHasDataset: boolean): string {
  const base = path.basename(root) || 'dataset';
  if (!folderHasDataset && !isNameTaken(db, base)) return base;
  const sized = `${base}-${options.size ?? DEFAULT_IMPORT_SIZE}px${options.channels === 1 ? '-gray' : ''}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? sized : `${sized}-${n}`;
    if (!isNameTaken(db, name)) return name;
  }
}

type FoundDataset = { dataset: DatasetRow; created: false; create?: undefined } | { dataset?: undefined; created: true; create: () => Promise<DatasetRow> };

function creator(db: Db, root: string, options: ImportOptions, name: string, channels: () => Promise<1 | 3>): FoundDataset {
  if (isNameTaken(db, name)) throw new UserError(`A dataset named "${name}" already exists; choose another name with --name.`, 'name_taken');
  return {
    created: true,
    create: async (): Promise<DatasetRow> =>
      insertDataset(db, {
        name,
        root,
        size: options.size ?? DEFAULT_IMPORT_SIZE,
        channels: await channels(),
        fit: options.fit ?? 'cover',
        background: options.background === undefined ? DEFAULT_BACKGROUND : parseBackground(options.background),
      }),
  };
}
