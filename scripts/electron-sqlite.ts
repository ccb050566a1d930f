// Builds better-sqlite3 for Electron's ABI into a folder of its own (out/native/electron-<version>-<platform>-<arch>/),
// so node_modules keeps Node's build and the `latent-lab` CLI keeps working. Used by `npm start` and `npm run dist`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { devSqliteBinding, type ElectronTarget } from '../src-main/electron/sqlite-binding.ts';

/** Runs a Node script (a package's bin file) in a folder; true when it exits 0. */
export type RunScript = (script: string, args: string[], cwd: string) => boolean;

// Without npm's nodedir setting, which would point node-gyp at Node's headers instead of Electron's.
const runScript: RunScript = (script, args, cwd) => {
  const env = { ...process.env };
  delete env.npm_config_nodedir;
  return spawnSync(process.execPath, [script, ...args], { cwd, stdio: 'inherit', env }).status === 0;
};

/** The Electron that npm installed (its version), for the platform and arch given (this machine's by default). */
export function installedElectron(root: string, platform: string = process.platform, arch: string = process.arch): ElectronTarget {
  const file = path.join(root, 'node_modules', 'electron', 'package.json');
  const { version } = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string };
  return { version, platform, arch };
}

/**
 * Returns better_sqlite3.node built for `target`, building it only when it is
 * missing: a copy of node_modules/better-sqlite3 (without its Node build)
 * installs in a scratch folder, from a prebuilt download or else compiled
 * against Electron's headers, and only the .node file is kept.
 */
export function prepareElectronSqlite(root: string, target: ElectronTarget, run: RunScript = runScript): { file: string; built: boolean } {
  const file = devSqliteBinding(root, target);
  if (fs.existsSync(file)) return { file, built: false };
  const modules = path.join(root, 'node_modules');
  // The real folder (pnpm and `npm link` make it a symlink), copied for real: the build must never land in node_modules.
  const source = fs.realpathSync(path.join(modules, 'better-sqlite3'));
  const name = `Electron ${target.version} (${target.platform}-${target.arch})`;
  console.log(`Building better-sqlite3 for ${name} into ${path.relative(root, path.dirname(file))}/ (once per Electron version)...`);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-sqlite-'));
  try {
    const pkg = path.join(scratch, 'better-sqlite3');
    fs.cpSync(source, pkg, { recursive: true, dereference: true, filter: (from) => from !== path.join(source, 'build') });
    const { version, platform, arch } = target;
    const installed =
      run(path.join(modules, 'prebuild-install', 'bin.js'), ['--runtime', 'electron', '--target', version, '--platform', platform, '--arch', arch], pkg) ||
      (platform === process.platform &&
        run(path.join(modules, 'node-gyp', 'bin', 'node-gyp.js'), ['rebuild', '--release', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'], pkg));
    const built = path.join(pkg, 'build', 'Release', 'better_sqlite3.node');
    if (!installed || !fs.existsSync(built)) throw new Error(buildFailure(name, target.platform));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Copied under another name first, so an interrupted copy is never taken for a finished build.
    fs.copyFileSync(built, `${file}.partial`);
    fs.renameSync(`${file}.partial`, file);
    return { file, built: true };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function buildFailure(name: string, platform: string): string {
  const lines = [`Could not get better-sqlite3 for ${name}.`];
  if (platform !== process.platform) {
    lines.push(`No prebuilt binary could be downloaded, and it cannot be compiled for ${platform} on ${process.platform}: package on a ${platform} machine.`);
  } else {
    lines.push(
      'Neither a prebuilt binary (from github.com) nor a build from source (node-gyp, with Electron headers from electronjs.org) worked; their output is above.',
      'The download needs github.com; building from source needs electronjs.org, Python 3 and a C++ toolchain',
      '(build-essential on Linux, Xcode Command Line Tools on macOS, Visual Studio Build Tools on Windows).',
      'Fix that and run the command again.',
    );
  }
  lines.push('The CLI does not need this (npx latent-lab --help), nor does the browser app (npx latent-lab serve --open).');
  return lines.join('\n');
}
