/**
 * Wraps an async call made on every slider move: at most one runs at a time, and
 * when it ends only the newest request waiting is sent, so live decoding keeps up
 * with the hand instead of queueing every position it passed through.
 */
export function latestOnly<A, R>(call: (arg: A) => Promise<R>, onResult: (result: R, arg: A) => void, onError: (error: unknown) => void): (arg: A) => void {
  let running = false;
  let waiting: { arg: A } | null = null;
  const run = async (arg: A): Promise<void> => {
    running = true;
    try {
      onResult(await call(arg), arg);
    } catch (error) {
      onError(error);
    } finally {
      running = false;
      const next = waiting;
      waiting = null;
      if (next) void run(next.arg);
    }
  };
  return (arg) => {
    if (running) waiting = { arg };
    else void run(arg);
  };
}
