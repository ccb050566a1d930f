import packageJson from '../../../package.json' with { type: 'json' };
import { UserError } from '../../errors.ts';
import { storeContents } from '../../store/contents.ts';
import type { Handlers } from './types.ts';

function noDialogs(): UserError {
  return new UserError('Native file dialogs exist only in the desktop app; type the path instead.', 'unsupported');
}

/** The host itself: version, which front door, native dialogs. */
export const appHandlers = {
  appInfo: (_input, ctx) => ({
    version: packageJson.version,
    host: ctx.host.kind,
    dbPath: ctx.dbPath,
    nativeDialogs: ctx.host.pickFolder !== undefined,
    ...storeContents(ctx.db),
  }),
  pickFolder: async (input, ctx) => {
    if (!ctx.host.pickFolder) throw noDialogs();
    return { path: await ctx.host.pickFolder(input.title) };
  },
} satisfies Partial<Handlers>;
