import type { BusState, BusTransport, Envelope } from "./bus";

/**
 * Publish/subscribe for live updates. Job steps publish on `job:<id>` and `client:<clientId>`;
 * WebSocket and SSE connections subscribe. The registry lives on globalThis because Next
 * bundles route handlers apart from server.ts, and both must see one hub.
 *
 * With several web replicas (lib/ws/bus.ts, started by server.ts), a publish is delivered here
 * at once and sent to the other replicas, whose hubs deliver it to their own listeners; a
 * replica skips its own messages when they come back, so each listener hears each message
 * once. With PGlite (one process) there is no bus: everything stays in this process.
 */
/** Who may receive a message: the owner of the job it is about (null: anyone on the topic). */
export type Audience = { ownerId: string | null };
export type Listener = (message: unknown, audience: Audience | undefined) => void;

type Registry = Map<string, Set<Listener>>;
type Shared = { listeners: Registry; origin: string; bus?: BusTransport; failures: number };
const shared: Shared = ((globalThis as { __framewiseHubState?: Shared }).__framewiseHubState ??= {
  listeners: new Map(),
  origin: crypto.randomUUID(),
  failures: 0,
});
const registry = shared.listeners;

export const topics = {
  job: (jobId: string) => `job:${jobId}`,
  client: (clientId: string) => `client:${clientId}`,
  /** Account events for its sockets: `session_ended` closes them (sign-out, a password change, disabling). */
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
 * Delivers to every current listener here, and through the bus to the other replicas; one
 * failing listener does not stop the others. The audience travels with the message: a listener
 * that serves a socket (lib/ws/upgrade.ts) passes it on only to a caller who may see it.
 * Returns how many listeners this replica has on the topic.
 */
export function publish(topic: string, message: unknown, audience?: Audience): number {
  const bus = shared.bus;
  if (bus) {
    bus.send({ origin: shared.origin, topic, message, ...(audience ? { audience } : {}) }).then(
      () => (shared.failures = 0),
      (error: unknown) => {
        // Said once per outage, not once per message: the bus reconnects on its own.
        if (shared.failures++ === 0) console.warn(`[hub] live updates are not reaching the other replicas (${bus.kind}):`, error instanceof Error ? error.message : error);
      },
    );
  }
  return deliver(topic, message, audience);
}

function deliver(topic: string, message: unknown, audience: Audience | undefined): number {
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

/** What the bus brings from the replicas; this replica's own messages were delivered already. */
export function receiveFromBus(envelope: Envelope): void {
  if (envelope.origin === shared.origin || typeof envelope.topic !== "string") return;
  deliver(envelope.topic, envelope.message, envelope.audience);
}

/** server.ts attaches the bus once it is connected (and detaches it on shutdown). */
export function attachBus(bus: BusTransport | undefined): void {
  shared.bus = bus;
}

/** For /health/diagnostics: which bus carries live updates between replicas, and whether it is up. */
export function busState(): BusState | { kind: "in-process"; connected: true } {
  return shared.bus?.state() ?? { kind: "in-process", connected: true };
}

export function listenerCount(topic: string): number {
  return registry.get(topic)?.size ?? 0;
}
