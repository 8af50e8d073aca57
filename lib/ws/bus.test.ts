import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { openDatabase } from "@/lib/db/client";
import { createEmptyPostgresDatabase } from "@/lib/db/testing";
import { connectPostgresBus, connectRedisBus, maxInlineBytes, type BusTransport, type Envelope } from "./bus";
import { attachBus, publish, receiveFromBus, subscribe } from "./hub";

// The bus between web replicas on real servers: the test PostgreSQL (TEST_POSTGRES_URL) and a
// redis-server this file starts (Debian's, scripts/setup.sh installs it). Each transport stands
// for one replica.

const waitFor = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const envelope = (origin: string, message: unknown): Envelope => ({ origin, topic: "job:j1", message, audience: { ownerId: "u1" } });

/** Two replicas' transports, each collecting what it receives. */
function collectors() {
  const got: Record<"a" | "b", Envelope[]> = { a: [], b: [] };
  return { got, a: (e: Envelope) => void got.a.push(e), b: (e: Envelope) => void got.b.push(e) };
}

describe("the PostgreSQL bus (LISTEN/NOTIFY)", () => {
  let created: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let admin: postgres.Sql;
  const { got, a: toA, b: toB } = collectors();
  let a: BusTransport;
  let b: BusTransport;

  beforeAll(async () => {
    created = await createEmptyPostgresDatabase();
    // Migrated once, as the first replica to start does (hub_messages).
    await (await openDatabase({ url: created.url })).close();
    admin = postgres(created.url, { max: 1, onnotice: () => {} });
    a = await connectPostgresBus(created.url, toA);
    b = await connectPostgresBus(created.url, toB);
  });
  afterAll(async () => {
    attachBus(undefined);
    await a?.close();
    await b?.close();
    await admin?.end();
    await created?.drop();
  });

  it("delivers a message sent by A to B, in order", async () => {
    for (let i = 0; i < 20; i++) await a.send(envelope("replica-a", { n: i }));
    await waitFor(() => got.b.length >= 20);
    expect(got.b.map((e) => (e.message as { n: number }).n)).toEqual([...Array(20).keys()]);
    expect(got.b[0]).toEqual(envelope("replica-a", { n: 0 }));
  });

  it("sends a message over 8000 bytes by reference, whole, and in its place in the order", async () => {
    got.b.length = 0;
    const big = { type: "job.log", text: "x".repeat(20_000) };
    expect(Buffer.byteLength(JSON.stringify(envelope("replica-a", big)))).toBeGreaterThan(maxInlineBytes);
    await a.send(envelope("replica-a", { before: true }));
    await a.send(envelope("replica-a", big));
    await a.send(envelope("replica-a", { after: true }));
    await waitFor(() => got.b.length >= 3);
    expect(got.b.map((e) => e.message)).toEqual([{ before: true }, big, { after: true }]);
    const [{ n }] = await admin<{ n: number }[]>`select count(*)::int as n from hub_messages`;
    expect(n).toBe(1);
  });

  it("listens again after its connection is cut, without being asked", async () => {
    got.b.length = 0;
    // Ends every LISTEN session of this database: both replicas lose their connection.
    const ended = await admin<{ pid: number }[]>`
      select pg_terminate_backend(pid) as pid from pg_stat_activity
      where datname = current_database() and query ilike 'listen%'`;
    expect(ended.length).toBe(2);
    const cut = new Set(ended.map((row) => row.pid));
    // Both listen again on new sessions, by themselves.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const sessions = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
      if (sessions.length === 2 && sessions.every((row) => !cut.has(row.pid))) break;
      if (Date.now() > deadline) throw new Error("the bus did not listen again");
      await sleep(100);
    }
    expect(a.state().connected && b.state().connected).toBe(true);
    await a.send(envelope("replica-a", { afterCut: true }));
    await waitFor(() => got.b.length >= 1);
    expect(got.b.map((e) => e.message)).toEqual([{ afterCut: true }]);
  });

  it("through the hub: a listener on the publishing replica hears a message once, the other replica hears it once", async () => {
    got.a.length = 0;
    got.b.length = 0;
    // This process is replica A: its hub sends through `a`, and what `a` receives goes back in.
    const hubSide = await connectPostgresBus(created.url, (e) => {
      got.a.push(e);
      receiveFromBus(e);
    });
    attachBus(hubSide);
    const heard: unknown[] = [];
    const unsubscribe = subscribe("job:hub-test", (message) => heard.push(message));
    try {
      publish("job:hub-test", { step: 1 }, { ownerId: null });
      expect(heard).toEqual([{ step: 1 }]); // at once, before any round trip
      await waitFor(() => got.b.some((e) => e.topic === "job:hub-test"));
      // A's own echo came back and was skipped.
      await waitFor(() => got.a.some((e) => e.topic === "job:hub-test"));
      await sleep(200);
      expect(heard).toEqual([{ step: 1 }]);
      expect(got.b.filter((e) => e.topic === "job:hub-test").map((e) => e.message)).toEqual([{ step: 1 }]);

      // Replica B publishes: A's listener hears it once.
      await b.send({ origin: "replica-b", topic: "job:hub-test", message: { step: 2 } });
      await waitFor(() => heard.length >= 2);
      await sleep(200);
      expect(heard).toEqual([{ step: 1 }, { step: 2 }]);
    } finally {
      unsubscribe();
      attachBus(undefined);
      await hubSide.close();
    }
  });
});

describe("the Redis bus (pub/sub)", () => {
  let server: ChildProcess | undefined;
  let port: number;
  const { got, a: toA, b: toB } = collectors();
  let a: BusTransport;
  let b: BusTransport;

  const startRedis = async () => {
    server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    let missing: Error | undefined;
    server.once("error", (error) => (missing = error));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
        socket.on("error", () => resolve(false));
      });
      if (up) return;
      if (missing) throw new Error(`redis-server could not start (scripts/setup.sh installs Debian's): ${missing.message}`);
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await sleep(50);
    }
  };
  const stopRedis = async () => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };

  beforeAll(async () => {
    // The redis ports of this project's test range (6390-6399), one per vitest worker.
    port = 6390 + (Number(process.env.VITEST_POOL_ID ?? 1) % 10);
    await startRedis();
    a = await connectRedisBus(`redis://127.0.0.1:${port}`, toA);
    b = await connectRedisBus(`redis://127.0.0.1:${port}`, toB);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await stopRedis();
  });

  it("delivers a message sent by A to B, large ones inline", async () => {
    const big = { text: "y".repeat(50_000) };
    await a.send(envelope("replica-a", { n: 1 }));
    await a.send(envelope("replica-a", big));
    await waitFor(() => got.b.length >= 2);
    expect(got.b.map((e) => e.message)).toEqual([{ n: 1 }, big]);
  });

  it("subscribes again after Redis goes away and comes back", async () => {
    got.b.length = 0;
    await stopRedis();
    await waitFor(() => !b.state().connected);
    // Sent while Redis is away: refused at once, not queued (said in lib/ws/bus.ts).
    await expect(a.send(envelope("replica-a", { lost: true }))).rejects.toThrow();
    await startRedis();
    await waitFor(() => a.state().connected && b.state().connected, 20_000);
    // The publisher reconnects on its own schedule: try until a message goes through.
    const deadline = Date.now() + 20_000;
    while (!got.b.length && Date.now() < deadline) {
      await a.send(envelope("replica-a", { back: true })).catch(() => undefined);
      await sleep(200);
    }
    expect(got.b.map((e) => e.message)).toContainEqual({ back: true });
    expect(got.b.map((e) => e.message)).not.toContainEqual({ lost: true });
  });
});
