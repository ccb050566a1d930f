/**
 * How long a `latent-lab` command takes from process start to exit, next to
 * `node -e 0` (the floor) measured in the same run: the compiled CLI (out/cli,
 * what `npm install` builds) and the TypeScript path through tsx (what runs
 * after an edit). Median of 7 runs each, on a fresh empty database.
 * Targets (issue 17): --help under 0.3 s, datasets under 0.5 s.
 *   npm run build:cli && node --import tsx bench/cli-start.ts
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-start-'));
const env = { ...process.env, LATENT_LAB_DB: path.join(dir, 'lab.db') };

function median(args: string[], runs = 7): number {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    seconds.push((performance.now() - started) / 1000);
  }
  return seconds.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const compiled = path.join(root, 'out/cli/latent-lab.js');
if (!fs.existsSync(compiled)) throw new Error('out/cli is not built: run `npm run build:cli` first');
const viaCompiled = (command: string[]) => ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(compiled)}); process.exitCode = await main(['node', 'latent-lab', ...${JSON.stringify(command)}]);`];
const viaTsx = (command: string[]) => ['--import', 'tsx', '--input-type=module', '-e', `const { main } = await import(${JSON.stringify(path.join(root, 'src-main/cli/main.ts'))}); process.exitCode = await main(['node', 'latent-lab', ...${JSON.stringify(command)}]);`];

median(viaCompiled(['datasets'])); // creates the database once, outside the timings
const floor = median(['-e', '0']);
console.log(`reference: node -e 0                 ${floor.toFixed(3)} s`);
for (const command of [['--help'], ['datasets'], ['runs']]) {
  const fast = median(viaCompiled(command));
  const slow = median(viaTsx(command));
  console.log(`latent-lab ${command.join(' ').padEnd(10)} compiled ${fast.toFixed(3)} s   through tsx ${slow.toFixed(3)} s`);
}
fs.rmSync(dir, { recursive: true, force: true });
