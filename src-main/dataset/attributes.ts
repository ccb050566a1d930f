import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';
import type { Skipped } from './scan.ts';

export type AttributeValues = Record<string, 0 | 1>;

export interface AttributeTable {
  file: string;
  names: string[];
  /** Key: the path or bare file name as written in the file. */
  rows: Map<string, AttributeValues>;
  /** Rows that could not be read, as {path: 'FILE line N', reason}. */
  problems: Skipped[];
}

/** File names an import picks up from the folder's root when no --attributes is given. */
export const defaultAttributeFiles = ['attributes.csv', 'list_attr_celeba.txt'];

const truthy = new Set(['1', 'true', 'yes', 'y', 't']);
const falsy = new Set(['0', '-1', 'false', 'no', 'n', 'f']);

function parseBinary(value: string): 0 | 1 | null {
  const v = value.trim().toLowerCase();
  if (truthy.has(v)) return 1;
  if (falsy.has(v)) return 0;
  return null;
}

/**
 * Reads per-image binary attributes: either a CSV with a header whose first
 * column is the image path (relative, or a bare file name) and further
 * columns of 1/0, 1/-1, true/false or yes/no; or CelebA's list_attr format
 * (a count line, a header line of names, then `file v1 v2 ...` rows of -1/1).
 */
export function readAttributes(file: string): AttributeTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read the attributes file ${file}: ${(error as Error).message}`, 'attributes_unreadable');
  }
  text = text.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0].trim();
  const table = /^\d+$/.test(firstLine) ? parseCelebA(text) : parseCsv(text);
  if (table.names.length === 0) {
    throw new UserError(`The attributes file ${file} has no attribute columns: expected a header like "path,Smiling,Glasses".`, 'attributes_invalid');
  }
  return { file, ...table, problems: table.problems.map((p) => ({ ...p, path: `${path.basename(file)} ${p.path}` })) };
}

type Parsed = Omit<AttributeTable, 'file'>;

function fillRows(records: string[][], names: string[], firstLine: number): Parsed {
  const rows = new Map<string, AttributeValues>();
  const problems: Skipped[] = [];
  records.forEach((record, i) => {
    const where = `line ${firstLine + i}`;
    if (record.length === 1 && record[0].trim() === '') return;
    const [key, ...values] = record;
    if (values.length !== names.length) {
      problems.push({ path: where, reason: `has ${values.length} attribute values, the header names ${names.length}; row ignored` });
      return;
    }
    const parsed: AttributeValues = {};
    for (let j = 0; j < names.length; j++) {
      const v = parseBinary(values[j]);
      if (v === null) {
        problems.push({ path: where, reason: `value "${values[j]}" for ${names[j]} is not binary (use 1/0, 1/-1, true/false or yes/no); row ignored` });
        return;
      }
      parsed[names[j]] = v;
    }
    const name = key.trim().replace(/\\/g, '/').replace(/^\.\//, '');
    if (rows.has(name)) problems.push({ path: where, reason: `repeats the row for ${name}; the later row wins` });
    rows.set(name, parsed);
  });
  return { names, rows, problems };
}

function parseCsv(text: string): Parsed {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
  } catch (error) {
    throw new UserError(`The attributes file is not valid CSV: ${(error as Error).message}`, 'attributes_invalid');
  }
  const [header = [], ...rest] = records;
  return fillRows(rest, header.slice(1), 2);
}

function parseCelebA(text: string): Parsed {
  const lines = text.split(/\r?\n/);
  const names = (lines[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const records = lines.slice(2).map((line) => line.trim().split(/\s+/));
  return fillRows(records, names, 3);
}

/**
 * Finds the attribute row of each image: by relative path first, then by
 * bare file name when that name is unique in the folder. Reports rows that
 * matched no image and how many images had no row.
 */
export function matchAttributes(
  table: AttributeTable,
  relPaths: string[],
): { byPath: Map<string, AttributeValues>; unmatchedRows: number; imagesWithoutRow: number } {
  const byName = new Map<string, string | null>();
  for (const rel of relPaths) {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    byName.set(base, byName.has(base) ? null : rel);
  }
  const byPath = new Map<string, AttributeValues>();
  const known = new Set(relPaths);
  let unmatchedRows = 0;
  for (const [key, values] of table.rows) {
    const rel = known.has(key) ? key : byName.get(key);
    if (rel) byPath.set(rel, values);
    else unmatchedRows++;
  }
  return { byPath, unmatchedRows, imagesWithoutRow: relPaths.length - byPath.size };
}
