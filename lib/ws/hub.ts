/**
 * In-process publish/subscribe for live updates. Job steps publish on `job:<id>` and
 * `client:<clientId>`; WebSocket and SSE connections subscribe. The registry lives on
 * globalThis because Next bundles route handlers apart from server.ts, and both must see
 * one hub. (With several web replicas, each replica's listeners see the updates written by
 * that replica; pollers still see everything through the database.)
 */
/** Who may receive a message: the owner of the job it is about (null: anyone on the topic). */
export type Audience = { ownerId: string | null };
export type Listener = (message: unknown, audience: Audience | undefined) => void;

type Registry = Map<string, Set<Listener>>;
const registry: Registry = ((globalThis as { __framewiseHub?: Registry }).__framewiseHub ??= new Map());

export const topics = {
  job: (jobId: string) => `job:${jobId}`,
  client: (clientId: string) => `client:${clientId}`,
  /** Account events for its sockets: `session_ended` closes them (sign-out, disabling). */
  user: (userId: string) => `user:${userId}`,
  /**
   * An account's API keys or rights changed (a key revoked; the account disabled, enabled,
   * promoted or demoted): processes that verified its keys forget them (lib/auth/api-keys.ts).
   */
  keys: (userId: string) => `keys:${userId}`,
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

/**
 * Delivers to every current listener; one failing listener does not stop the others. The
 * audience travels with the message: a listener that serves a socket (lib/ws/upgrade.ts)
 * passes it on only to a caller who may see it.
 */
export function publish(topic: string, message: unknown, audience?: Audience): number {
  const listeners = registry.get(topic);
  if (!listeners) return 0;
  for (const listener of [...listeners]) {
    try {
      listener(message, audience);
    } catch (error) {
      console.error(`[hub] listener on ${topic} failed:`, error);
    }
  }
  return listeners.size;
}

export function listenerCount(topic: string): number {
  return registry.get(topic)?.size ?? 0;
}
