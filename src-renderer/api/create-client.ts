import type { ApiEvent, ApiEvents, ApiInput, ApiOutput } from '../../src-main/contract/contract.ts';
import { methodNames, type EventName, type MethodName } from '../../src-main/contract/method-names.ts';
import type { Transport } from './transport.ts';

/** A failed call: `code` is stable (invalid_input, not_found, busy, unsupported, internal, network...), `message` is for people. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type ArgsOf<M extends MethodName> = {} extends ApiInput<M> ? [input?: ApiInput<M>] : [input: ApiInput<M>];
/** One typed async function per API method; each resolves the output or throws ApiError. */
export type ApiClient = { [M in MethodName]: (...args: ArgsOf<M>) => Promise<ApiOutput<M>> };

export interface Client {
  api: ApiClient;
  host: Transport['kind'];
  onEvent<K extends EventName>(type: K, listener: (data: ApiEvents[K]) => void): () => void;
  onAnyEvent(listener: (event: ApiEvent) => void): () => void;
  imageUrl(itemId: number): string;
  atlasUrl(datasetId: number, tile: number, page: number): string;
}

/** Builds the client over any transport, one function per name in the method table. */
export function createClient(transport: Transport): Client {
  const api = {} as Record<MethodName, (input?: unknown) => Promise<unknown>>;
  for (const method of methodNames) {
    api[method] = async (input) => {
      let outcome;
      try {
        outcome = await transport.call(method, input ?? {});
      } catch (error) {
        throw new ApiError('network', `Could not reach Latent Lab (${error instanceof Error ? error.message : String(error)}). Is it still running?`);
      }
      if ('error' in outcome) throw new ApiError(outcome.error.code, outcome.error.message);
      return outcome.result;
    };
  }
  return {
    api: api as unknown as ApiClient,
    host: transport.kind,
    onEvent: (type, listener) =>
      transport.subscribe((event) => {
        if (event.type === type) listener(event.data as never);
      }),
    onAnyEvent: (listener) => transport.subscribe(listener),
    imageUrl: (itemId) => transport.imageUrl(itemId),
    atlasUrl: (datasetId, tile, page) => transport.atlasUrl(datasetId, tile, page),
  };
}
