import { fork as forkProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ElectronMain, ElectronPreload } from '../../src-main/electron/electron-types.ts';

/**
 * A stand-in for the `electron` module, enough to run the shell's main
 * process and preload in Node and look at what they did. Main and preload are
 * joined like real IPC: ipcRenderer.invoke reaches the ipcMain handler with a
 * sender frame whose URL the test chooses, and webContents.send reaches
 * ipcRenderer listeners.
 */
export interface ElectronStub {
  main: ElectronMain;
  preload: ElectronPreload;
  /** Calls in order, e.g. 'protocol.registerSchemesAsPrivileged', 'app.whenReady'. */
  calls: string[];
  windows: FakeWindow[];
  ipcHandlers: Map<string, (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>>;
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
  permissionCheck?: (...args: unknown[]) => boolean;
  headersReceived?: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;
  menu: unknown;
  exposed: Map<string, unknown>;
  /** URLs given to shell.openExternal (the shell never should). */
  opened: string[];
  appEvents: EventEmitter;
  /** The frame URL ipcRenderer.invoke claims to come from. */
  senderUrl: string | null;
  /** What the next Open/Save dialog answers. */
  dialogAnswer: { canceled: boolean; filePaths?: string[]; filePath?: string };
  forks: { modulePath: string; options: unknown }[];
}

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler?: (details: { url: string }) => { action: string };
  constructor(private readonly deliver: (channel: string, payload: unknown) => void) {
    super();
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    this.deliver(channel, payload);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeWindow extends EventEmitter {
  loadedUrl = '';
  readonly webContents: FakeWebContents;
  constructor(
    readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>,
    deliver: (channel: string, payload: unknown) => void,
  ) {
    super();
    this.webContents = new FakeWebContents(deliver);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return false;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
  show(): void {}
}

/**
 * Electron's utilityProcess.fork, played by child_process.fork of the
 * engine's TypeScript entry (what the bundled trainer.cjs is built from).
 */
function fakeUtilityFork(forks: ElectronStub['forks'], trainerSource: string) {
  return (modulePath: string, _args: string[], options: unknown) => {
    forks.push({ modulePath, options });
    const child = forkProcess(trainerSource, [], { execArgv: ['--import', 'tsx'], silent: true });
    // A utility process's parent port delivers plain messages, as child_process IPC does.
    const utility = Object.assign(new EventEmitter(), {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message: unknown) => child.connected && child.send(message as object, () => undefined),
      kill: () => child.kill(),
    });
    // Electron's port drops a message to a process that is exiting; child_process raises EPIPE on the channel instead
    child.on('error', () => undefined);
    child.on('message', (message) => utility.emit('message', message));
    child.on('exit', (code) => utility.emit('exit', code ?? 1));
    return utility;
  };
}

export function createElectronStub(options: { userData: string; trainerSource: string }): ElectronStub {
  const calls: string[] = [];
  const rendererListeners = new Map<string, ((event: unknown, payload: unknown) => void)[]>();
  const deliver = (channel: string, payload: unknown) => {
    for (const listener of rendererListeners.get(channel) ?? []) listener({}, payload);
  };
  const appEvents = new EventEmitter();

  const stub: ElectronStub = {
    calls,
    windows: [],
    ipcHandlers: new Map(),
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    menu: null,
    exposed: new Map(),
    opened: [],
    appEvents,
    senderUrl: 'latent://app/index.html',
    dialogAnswer: { canceled: true },
    forks: [],
    main: undefined as unknown as ElectronMain,
    preload: undefined as unknown as ElectronPreload,
  };

  const app = {
    requestSingleInstanceLock: () => (calls.push('app.requestSingleInstanceLock'), true),
    enableSandbox: () => calls.push('app.enableSandbox'),
    on: (event: string, listener: (...args: unknown[]) => void) => (appEvents.on(event, listener), app),
    whenReady: () => (calls.push('app.whenReady'), Promise.resolve()),
    getPath: (name: string) => (name === 'userData' ? options.userData : `/nonexistent/${name}`),
    isPackaged: false,
    quit: () => calls.push('app.quit'),
  };

  class BrowserWindow extends FakeWindow {
    constructor(windowOptions: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
      super(windowOptions, deliver);
      stub.windows.push(this);
      appEvents.emit('web-contents-created', {}, this.webContents);
    }
  }

  const defaultSession = {
    setPermissionRequestHandler: (handler: ElectronStub['permissionRequest']) => (stub.permissionRequest = handler),
    setPermissionCheckHandler: (handler: ElectronStub['permissionCheck']) => (stub.permissionCheck = handler),
    webRequest: { onHeadersReceived: (handler: ElectronStub['headersReceived']) => (stub.headersReceived = handler) },
  };

  const dialogResult = () => Promise.resolve(stub.dialogAnswer);
  stub.main = {
    app,
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: ElectronStub['ipcHandlers'] extends Map<string, infer H> ? H : never) => stub.ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => (calls.push('protocol.registerSchemesAsPrivileged'), stub.privilegedSchemes.push(...schemes)),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => stub.protocolHandlers.set(scheme, handler),
    },
    session: { defaultSession },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => (stub.menu = menu) },
    dialog: { showOpenDialog: dialogResult, showSaveDialog: dialogResult, showErrorBox: (title: string) => calls.push(`dialog.showErrorBox ${title}`) },
    utilityProcess: { fork: fakeUtilityFork(stub.forks, options.trainerSource) },
    shell: { openExternal: (url: string) => (stub.opened.push(url), Promise.resolve()) },
  } as unknown as ElectronMain;

  stub.preload = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => stub.exposed.set(key, value) },
    ipcRenderer: {
      invoke: async (channel: string, input: unknown) => {
        const handler = stub.ipcHandlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        // Electron structured-clones arguments and results; JSON is close enough for plain data.
        const result = await handler({ senderFrame: stub.senderUrl === null ? null : { url: stub.senderUrl } }, structuredClone(input));
        return structuredClone(result);
      },
      on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
        rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]);
      },
    },
  } as unknown as ElectronPreload;
  return stub;
}
