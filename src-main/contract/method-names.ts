/**
 * The names of every API method and event, with no dependencies at all, so
 * the Electron preload and the renderer can import them without pulling in
 * zod or Node. contract.ts checks its schema table against this list.
 */
export const methodNames = [
  // the host (what is running the API, native dialogs)
  'appInfo',
  'pickFolder',
  // datasets and import
  'listDatasets',
  'getDataset',
  'listItems',
  'getAtlas',
  'lookupItems',
  'startImport',
  'cancelImport',
  'startDemo',
  'deleteDataset',
  // runs and training
  'listModels',
  'listRuns',
  'getRun',
  'startTraining',
  'stopTraining',
  'resumeTraining',
  'renameRun',
  'deleteRun',
  // exploring a trained run
  'project',
  'neighbours',
  'codes',
  'decode',
  'reconstruct',
  'interpolate',
  'attributeVectors',
  'applyAttribute',
  'analogy',
  'samples',
  'manifold',
  'outliers',
  'runScores',
  'neighbourAgreement',
  'duplicates',
  'quality',
  'exportCsv',
  // named sets of items (saved selections)
  'listSets',
  'saveSet',
  'deleteSet',
] as const;

export type MethodName = (typeof methodNames)[number];

export const eventNames = [
  'import.progress',
  'import.finished',
  'import.failed',
  'datasets.changed',
  'runs.changed',
  'train.progress',
  'train.epoch',
  'train.log',
  'run.status',
  'project.progress',
  'menu',
] as const;

export type EventName = (typeof eventNames)[number];

export function isMethodName(name: string): name is MethodName {
  return (methodNames as readonly string[]).includes(name);
}
