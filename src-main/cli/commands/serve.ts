import os from 'node:os';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { dbPathOf } from '../context.ts';
import { parseCount } from '../support.ts';

interface ServeOptions {
  port: string;
  host: string;
  open?: boolean;
  tokenFile?: string;
  maxTrainings?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a number from 0 to 65535 (0 picks a free port), not "${text}".`);
  return port;
}

/** `latent-lab serve`: the app in a browser, on this machine or through an SSH tunnel. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the app and its API to a browser (127.0.0.1 only unless --host says otherwise)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4178')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--open', 'open the page in the default browser (the token goes through a private file, never a command line)')
    .option('--max-trainings <n>', 'trainings that run at once; more wait as queued runs (default LATENT_LAB_MAX_TRAININGS, else 1)')
    .option('--token-file <file>', 'keep the access token in FILE (created 0600 if absent), so a restarted server keeps open tabs working')
    .action(async (options: ServeOptions, command: Command) => {
      const port = parsePort(options.port);
      // The server and the API are loaded here, not at the top, so other commands start without them.
      const [{ createApi }, { startServer }, { openBrowser }, { isLoopback }, { defaultRendererDir }, { tokenFromFile }] = await Promise.all([
        import('../../api/create-api.ts'),
        import('../../server/server.ts'),
        import('../../server/open-browser.ts'),
        import('../../server/request-guard.ts'),
        import('../../server/renderer-dir.ts'),
        import('../../server/token.ts'),
      ]);
      const token = options.tokenFile === undefined ? undefined : tokenFromFile(options.tokenFile);
      if (!isLoopback(options.host)) {
        process.stderr.write(
          `\nWARNING: binding ${options.host} exposes Latent Lab to the network, over plain HTTP. The access token grants full control\n` +
            "of the app's data: whoever has it (or sees it on the wire) can read, change and delete every dataset, run and model\n" +
            'in this database, and import folders and start training on this machine.\n' +
            'Prefer the default 127.0.0.1 and an SSH tunnel (ssh -L 4178:127.0.0.1:4178 workstation).\n\n',
        );
      }
      const maxTrainings = options.maxTrainings === undefined ? undefined : parseCount(options.maxTrainings, '--max-trainings');
      const api = createApi({ dbPath: dbPathOf(command), host: { kind: 'server' }, maxTrainings });
      const server = await startServer({ api, host: options.host, port, token, rendererDir: defaultRendererDir }).catch(async (error: NodeJS.ErrnoException) => {
        await api.close();
        if (error.code === 'EADDRINUSE') throw new UserError(`Port ${port} is in use; pick another with --port (0 picks a free one).`);
        if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') throw new UserError(`This machine has no address ${options.host}; check --host.`);
        throw error;
      });
      if (!server.hasRenderer) process.stderr.write('The page is not built yet: run `npm run build` first (the API works meanwhile).\n');
      process.stdout.write(`Latent Lab is serving ${api.context.dbPath}\nOpen ${server.url}\n`);
      if (options.host === '0.0.0.0' || options.host === '::') {
        for (const address of networkAddresses()) process.stdout.write(`  or http://${address}:${server.port}/?token=${server.token}\n`);
      }
      process.stdout.write('(Ctrl-C stops it)\n');
      const forgetOpenFile = options.open ? openBrowser(server.url) : () => undefined;
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      forgetOpenFile();
      await server.close();
      await api.close();
    });
}

/** This machine's external IPv4 addresses, for a wildcard bind. */
function networkAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => info.address);
}
