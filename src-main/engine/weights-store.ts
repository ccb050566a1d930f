import * as tf from '@tensorflow/tfjs';
import type { Db } from '../store/open.ts';
import { readWeights, type WeightsRow } from '../store/weights.ts';

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

function arrayBufferOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** The IOHandler that loads one stored model part. */
export function dbLoadHandler(db: Db, runId: number, part: string): tf.io.IOHandler {
  return {
    load: async () => {
      const row = readWeights(db, runId, part);
      if (!row || row.topology === null) throw new Error(`run ${runId} has no stored ${part}`);
      return {
        modelTopology: JSON.parse(row.topology) as object,
        weightSpecs: JSON.parse(row.weightSpecs) as tf.io.WeightsManifestEntry[],
        weightData: arrayBufferOf(row.data),
      };
    },
  };
}

export function loadModelPart(db: Db, runId: number, part: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(dbLoadHandler(db, runId, part));
}

/** Restores optimizer slots saved by optimizerRow; returns false when none were stored. */
export async function restoreOptimizer(db: Db, runId: number, optimizer: tf.Optimizer): Promise<boolean> {
  const row = readWeights(db, runId, 'optimizer');
  if (!row) return false;
  const named = tf.io.decodeWeights(arrayBufferOf(row.data), JSON.parse(row.weightSpecs) as tf.io.WeightsManifestEntry[]);
  await optimizer.setWeights(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
  return true;
}
