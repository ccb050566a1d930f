import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ApiCallError, isUserError } from '../errors.ts';
import { commands } from './commands/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageJson = JSON.parse(fs.readFileSync(path.join(here, '../../package.json'), 'utf8')) as { version: string };

export async function buildProgram(): Promise<Command> {
  const program = new Command('latent-lab')
    .description('Train autoencoders and VAEs on a folder of images and explore their latent space.')
    .version(packageJson.version, '-v, --version', 'print the version')
    .option('--db <file>', 'database file (default: $LATENT_LAB_DB or the per-user data folder)')
    .showHelpAfterError('(run latent-lab --help for the list of commands)')
    .showSuggestionAfterError(true)
    .exitOverride();
  // One line per command (the terminal may fold it); full descriptions are in `latent-lab <command> --help`.
  program.configureHelp({ sortSubcommands: true, helpWidth: 240 });
  for (const register of commands) register(program);
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError(`(run latent-lab ${sub.name()} --help for its options)`);
  return program;
}

/** Runs the CLI on argv and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isUserError(error) || (error instanceof ApiCallError && error.code !== 'internal')) {
      process.stderr.write(`error: ${flagNames(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

/** API field paths in validation messages ("config.pretrainEpochs: ...") as the CLI flags that set them ("--pretrain-epochs: ..."). */
export function flagNames(message: string): string {
  return message.replace(/(^|; |Invalid input: )(?:config\.)?([a-z][A-Za-z]*)(?=: )/g, (_m, lead: string, field: string) => `${lead}--${field.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
}
