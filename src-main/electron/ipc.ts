import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Api } from '../api/create-api.ts';
import type { ApiResult } from '../contract/contract.ts';
import { methodNames } from '../contract/method-names.ts';
import { callChannel, isAppUrl } from './app-origin.ts';

/**
 * One ipcMain handler per API method, generated from the method table. Each
 * answers only our own renderer's frames: anything else (a navigated-away
 * page, an injected frame) gets a refusal and nothing runs.
 */
export function wireIpc(ipcMain: Pick<IpcMain, 'handle'>, api: Api): void {
  for (const method of methodNames) {
    ipcMain.handle(callChannel(method), async (event: IpcMainInvokeEvent, input: unknown): Promise<ApiResult<unknown>> => {
      if (!isAppUrl(event.senderFrame?.url)) {
        api.context.log(`refused ${method} from ${event.senderFrame?.url ?? 'an unknown frame'}`);
        return { error: { code: 'refused', message: 'Only the Latent Lab window may call its API.' } };
      }
      return api.call(method, input);
    });
  }
}
