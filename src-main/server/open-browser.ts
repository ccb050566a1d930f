import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Opens the served page in the person's browser without putting the token on
 * a command line (other local users can read those in `ps`): the browser is
 * given a file only this user can read (0600, in a 0700 folder) that
 * redirects to the tokened URL. Returns the function that deletes the file;
 * failure only prints a hint.
 */
export function openBrowser(url: string): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-open-'));
  const file = path.join(dir, 'open.html');
  const target = JSON.stringify(url).replace(/</g, '\\u003c');
  fs.writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Latent Lab</title><script>location.replace(${target})</script>\n`,
    { mode: 0o600 },
  );
  const [command, args] =
    process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', file]] : ['xdg-open', [file]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`Could not open a browser; open the link above yourself.\n`));
  child.unref();
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
