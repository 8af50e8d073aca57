/**
 * In-process publish/subscribe for live updates. Job steps publish on `job:<id>` and
 * `client:<clientId>`; WebSocket and SSE connections subscribe. The registry lives on
 * globalThis because Next bundles route handlers apart from server.ts, and both must see
 * one hub. (With several web replicas, each replica's listeners see the updates written by
 * that replica; pollers still see everything through the database.)
 */
export type Listener = (message: unknown) => void;

type Registry = Map<string, Set<Listener>>;
const registry: Registry = ((globalThis as { __framewiseHub?: Registry }).__framewiseHub ??= new Map());

export const topics = {
  job: (jobId: string) => `job:${jobId}`,
  client: (clientId: string) => `client:${clientId}`,
};

export function subscribe(topic: string, listener: Listener): () => void {
  let listeners = registry.get(topic);
  if (!listeners) registry.set(topic, (listeners = new Set()));
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) registry.delete(topic);
  };
}

/** Delivers to every current listener; one failing listener does not stop the others. */
export function publish(topic: string, message: unknown): number {
  const listeners = registry.get(topic);
  if (!listeners) return 0;
  for (const listener of [...listeners]) {
    try {
      listener(message);
    } catch (error) {
      console.error(`[hub] listener on ${topic} failed:`, error);
    }
  }
  return listeners.size;
}

export function listenerCount(topic: string): number {
  return registry.get(topic)?.size ?? 0;
}
