import type { Audience } from "./hub";

/**
 * Carries live updates between web replicas: every replica's hub (lib/ws/hub.ts) sends what
 * its own code publishes and delivers what the others publish. Two carriers:
 *
 * - PostgreSQL `LISTEN`/`NOTIFY` on one channel, the database the replicas already share. A
 *   NOTIFY payload holds at most 8000 bytes: a larger message is stored in `hub_messages` and
 *   the notification carries its row id (by reference, never trimmed); rows go after 5 minutes.
 * - Redis pub/sub (REDIS_URL), where one is configured.
 *
 * Each side reconnects on its own after the connection drops and listens again. What is
 * published while a replica is cut off does not reach that replica's sockets (PostgreSQL
 * keeps no notifications for a session that is gone; Redis pub/sub keeps none either); the
 * job rows are written all the same, so a poller or a socket opened afterwards sees it all.
 */

/** One message on the wire: who sent it (a process), where, what, and for whom. */
export type Envelope = { origin: string; topic: string; message: unknown; audience?: Audience };

export type BusState = { kind: "postgres" | "redis"; connected: boolean; lastError?: string };

export type BusTransport = {
  readonly kind: "postgres" | "redis";
  send(envelope: Envelope): Promise<void>;
  state(): BusState;
  close(): Promise<void>;
};

type Receive = (envelope: Envelope) => void;
type Log = Pick<Console, "warn">;

const channel = "framewise_hub";
/** Under PostgreSQL's 8000-byte payload limit, with room for the reference's own wrapping. */
export const maxInlineBytes = 7900;
const storedForMs = 5 * 60_000;

export async function connectPostgresBus(url: string, receive: Receive, log: Log = console): Promise<BusTransport> {
  const { default: postgres } = await import("postgres");
  let closed = false;
  let connected = false;
  let lastError: string | undefined;
  // Messages stored by reference are read before the next one is delivered: order is kept.
  let delivery = Promise.resolve();

  const sender = postgres(url, { max: 2, onnotice: () => {} });
  const onNotify = (name: string, payload: string) => {
    if (name !== channel) return;
    delivery = delivery
      .then(async () => {
        const parsed = JSON.parse(payload) as Envelope | { ref: number };
        if (!("ref" in parsed)) return receive(parsed);
        const [row] = await sender<{ envelope: string }[]>`select envelope from hub_messages where id = ${parsed.ref}`;
        if (row) receive(JSON.parse(row.envelope) as Envelope);
      })
      .catch((error: unknown) => log.warn("[bus] a live update could not be read:", error));
  };
  // A connection of its own that only listens; postgres.js calls onclose whenever it drops.
  const listener = postgres(url, {
    max: 1,
    onnotice: () => {},
    // Never closed for being idle or old: it would stop listening.
    idle_timeout: 0,
    max_lifetime: 0,
    onclose: () => {
      connected = false;
      if (!closed) listen();
    },
    ...({ onnotify: onNotify } as object),
  });

  let listening: Promise<void> | undefined;
  /** LISTEN again until it works, waiting 0.25 s doubling to 5 s between tries. */
  function listen(): Promise<void> {
    listening ??= (async () => {
      for (let delay = 250; !closed; delay = Math.min(delay * 2, 5000)) {
        try {
          await listener.unsafe(`listen ${channel}`);
          connected = true;
          lastError = undefined;
          return;
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
        }
      }
    })().finally(() => (listening = undefined));
    return listening;
  }
  // The first LISTEN must work: a replica that cannot listen at start says so at once.
  await listener.unsafe(`listen ${channel}`);
  connected = true;

  const sweep = setInterval(() => {
    void sender`delete from hub_messages where created_at < ${new Date(Date.now() - storedForMs)}`.catch(() => undefined);
  }, 60_000);
  sweep.unref();

  return {
    kind: "postgres",
    async send(envelope) {
      const text = JSON.stringify(envelope);
      if (Buffer.byteLength(text) <= maxInlineBytes) {
        await sender`select pg_notify(${channel}, ${text})`;
        return;
      }
      const [row] = await sender<{ id: number }[]>`insert into hub_messages (envelope) values (${text}) returning id`;
      await sender`select pg_notify(${channel}, ${JSON.stringify({ ref: Number(row.id) })})`;
    },
    state: () => ({ kind: "postgres", connected, ...(lastError ? { lastError } : {}) }),
    async close() {
      closed = true;
      clearInterval(sweep);
      await Promise.all([listener.end({ timeout: 2 }), sender.end({ timeout: 2 })]);
    },
  };
}

export async function connectRedisBus(url: string, receive: Receive, log: Log = console): Promise<BusTransport> {
  const { Redis } = await import("ioredis");
  let lastError: string | undefined;
  const remember = (error: Error) => (lastError = error.message);
  // ioredis reconnects by itself and subscribes again (autoResubscribe). The publisher keeps no
  // offline queue: a message sent while Redis is away fails at once instead of piling up.
  const subscriber = new Redis(url, { autoResubscribe: true, lazyConnect: true, maxRetriesPerRequest: null });
  const publisher = new Redis(url, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
  subscriber.on("error", remember);
  publisher.on("error", remember);
  subscriber.on("ready", () => (lastError = undefined));
  subscriber.on("message", (name: string, payload: string) => {
    if (name !== channel) return;
    try {
      receive(JSON.parse(payload) as Envelope);
    } catch (error) {
      log.warn("[bus] a live update could not be read:", error);
    }
  });
  try {
    await Promise.all([subscriber.connect(), publisher.connect()]);
    await subscriber.subscribe(channel);
  } catch (error) {
    subscriber.disconnect();
    publisher.disconnect();
    throw error;
  }
  return {
    kind: "redis",
    async send(envelope) {
      await publisher.publish(channel, JSON.stringify(envelope));
    },
    state: () => ({ kind: "redis", connected: subscriber.status === "ready", ...(lastError ? { lastError } : {}) }),
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/**
 * The bus server.ts starts: Redis when REDIS_URL is set, else PostgreSQL when the database is
 * one (DATABASE_URL), else none (PGlite: one process, the hub stays in memory).
 */
export async function connectBus(options: { driver: "pglite" | "postgres"; databaseUrl?: string; redisUrl?: string }, receive: Receive): Promise<BusTransport | undefined> {
  if (options.redisUrl) return connectRedisBus(options.redisUrl, receive);
  if (options.driver === "postgres" && options.databaseUrl) return connectPostgresBus(options.databaseUrl, receive);
  return undefined;
}
