import type { ApiOutput, ParsedInput } from '../../contract/contract.ts';
import type { ApiContext } from '../context.ts';
import type { MethodName } from '../../contract/method-names.ts';

/** One method's implementation: validated input in, the contract's output type out. */
export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: ApiContext) => Promise<ApiOutput<M>> | ApiOutput<M>;

export type Handlers = { [M in MethodName]: Handler<M> };
