/**
 * Every CLI command, one module each. A command module declares its flags and help at the top level
 * and loads the engine only inside its action, so `latent-lab --help` starts fast.
 */
import { register as analogyCommand } from './analogy.ts';
import { register as attributeCommand } from './attribute.ts';
import { register as datasetsCommand } from './datasets.ts';
import { register as dbInfoCommand } from './db-info.ts';
import { register as demoCommand } from './demo.ts';
import { register as duplicatesCommand } from './duplicates.ts';
import { register as exportCommand } from './export.ts';
import { register as importCommand } from './import.ts';
import { register as interpolateCommand } from './interpolate.ts';
import { register as neighborsCommand } from './neighbors.ts';
import { register as outliersCommand } from './outliers.ts';
import { register as projectCommand } from './project.ts';
import { register as qualityCommand } from './quality.ts';
import { register as runsCommand } from './runs.ts';
import { register as sampleCommand } from './sample.ts';
import { register as serveCommand } from './serve.ts';
import { register as trainCommand } from './train.ts';

export const commands = [analogyCommand, attributeCommand, datasetsCommand, dbInfoCommand, demoCommand, duplicatesCommand, exportCommand, importCommand, interpolateCommand, neighborsCommand, outliersCommand, projectCommand, qualityCommand, runsCommand, sampleCommand, serveCommand, trainCommand];
