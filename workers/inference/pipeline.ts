/**
 * Maps an async source through `fn` with at most `limit` calls in flight, yielding results
 * in source order. One more source item is always being fetched while results are awaited,
 * so decoding overlaps inference; memory stays at limit + 1 items.
 */
export async function* mapOrdered<T, R>(source: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const inflight: Promise<R>[] = [];
  let next: Promise<IteratorResult<T>> | undefined = iterator.next();
  try {
    while (true) {
      while (next && inflight.length < limit) {
        const item = await next;
        if (item.done) {
          next = undefined;
          break;
        }
        const result = fn(item.value);
        result.catch(() => undefined); // awaited below in order; keep an early failure from being "unhandled"
        inflight.push(result);
        next = iterator.next();
      }
      const head = inflight.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (next) next.catch(() => undefined);
    await iterator.return?.();
  }
}
