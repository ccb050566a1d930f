import * as tf from '@tensorflow/tfjs';
import type { Db } from '../store/open.ts';

/** A row of the weights table, ready to write. */
export interface WeightsRow {
  part: string;
  topology: string | null;
  weightSpecs: string;
  data: Buffer;
}

function toBuffer(data: tf.io.WeightData): Buffer {
  const joined = tf.io.CompositeArrayBuffer.join(data);
  return Buffer.from(joined);
}

/** Serialises a layers model through a tfjs IOHandler (topology + weights), without touching the db. */
export async function modelRow(model: tf.LayersModel, part: string): Promise<WeightsRow> {
  let row: WeightsRow | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      row = {
        part,
        topology: JSON.stringify(artifacts.modelTopology),
        weightSpecs: JSON.stringify(artifacts.weightSpecs ?? []),
        data: toBuffer(artifacts.weightData ?? new ArrayBuffer(0)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (row === null) throw new Error(`saving ${part} produced no artifacts`);
  return row;
}

/** Serialises an optimizer's slots (Adam moments, iteration count) so training resumes where it stopped. */
export async function optimizerRow(optimizer: tf.Optimizer): Promise<WeightsRow> {
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  // getWeights returns the slot variables themselves plus fresh tensors (the iteration count): free only those.
  for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  return { part: 'optimizer', topology: null, weightSpecs: JSON.stringify(specs), data: toBuffer(data) };
}

/** Writes rows for one epoch; call inside the transaction that records the epoch. */
export function writeWeights(db: Db, runId: number, epoch: number, rows: WeightsRow[]): void {
  const upsert = db.prepare(
    `INSERT INTO weights (run_id, part, epoch, topology, weight_specs, data) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, part) DO UPDATE SET epoch = excluded.epoch, topology = excluded.topology,
       weight_specs = excluded.weight_specs, data = excluded.data`,
  );
  for (const row of rows) upsert.run(runId, row.part, epoch, row.topology, row.weightSpecs, row.data);
}

interface StoredRow {
  epoch: number;
  topology: string | null;
  weight_specs: string;
  data: Buffer;
}

function readRow(db: Db, runId: number, part: string): StoredRow | undefined {
  return db.prepare('SELECT epoch, topology, weight_specs, data FROM weights WHERE run_id = ? AND part = ?').get(runId, part) as StoredRow | undefined;
}

function arrayBufferOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** The IOHandler that loads one stored model part. */
export function dbLoadHandler(db: Db, runId: number, part: string): tf.io.IOHandler {
  return {
    load: async () => {
      const row = readRow(db, runId, part);
      if (!row || row.topology === null) throw new Error(`run ${runId} has no stored ${part}`);
      return {
        modelTopology: JSON.parse(row.topology) as object,
        weightSpecs: JSON.parse(row.weight_specs) as tf.io.WeightsManifestEntry[],
        weightData: arrayBufferOf(row.data),
      };
    },
  };
}

export function loadModelPart(db: Db, runId: number, part: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(dbLoadHandler(db, runId, part));
}

/** The epoch the stored weights belong to, or null when the run saved none yet. */
export function storedWeightsEpoch(db: Db, runId: number): number | null {
  const row = db.prepare("SELECT epoch FROM weights WHERE run_id = ? AND part = 'encoder'").get(runId) as { epoch: number } | undefined;
  return row ? row.epoch : null;
}

/** Restores optimizer slots saved by optimizerRow; returns false when none were stored. */
export async function restoreOptimizer(db: Db, runId: number, optimizer: tf.Optimizer): Promise<boolean> {
  const row = readRow(db, runId, 'optimizer');
  if (!row) return false;
  const named = tf.io.decodeWeights(arrayBufferOf(row.data), JSON.parse(row.weight_specs) as tf.io.WeightsManifestEntry[]);
  await optimizer.setWeights(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
  return true;
}
