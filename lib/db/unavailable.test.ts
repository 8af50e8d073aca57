import net from "node:net";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, selectRows } from "./client";
import { isDatabaseUnavailable } from "./unavailable";

/** A port nobody listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const postgresUrl = process.env.TEST_POSTGRES_URL;

describe("isDatabaseUnavailable", () => {
  it("reads the codes through drizzle's cause chain, and leaves query faults alone", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("query failed"), { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("plain"))).toBe(false);
  });

  it.skipIf(!postgresUrl)("a connection the server ends, and a server that is not there, are both unavailability", async () => {
    const handle = await openDatabase({ url: postgresUrl });
    const admin = handle.db;
    // A second connection of ours, then the server ends it as a shutdown would (57P01), while
    // a query runs on it: a query sent after the end could go out on a fresh connection instead.
    const { default: postgres } = await import("postgres");
    const victim = postgres(postgresUrl!, { max: 1, onnotice: () => {} });
    const [{ pid }] = await victim<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const running = victim`select pg_sleep(30)`.catch((error: unknown) => error);
    for (let i = 0; ; i++) {
      const [row] = await selectRows<{ active: boolean }>(admin, sql`select state = 'active' as active from pg_stat_activity where pid = ${pid}`);
      if (row?.active) break;
      if (i > 200) throw new Error("the query never started");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await admin.execute(sql`select pg_terminate_backend(${pid})`);
    const cut = await running;
    await victim.end({ timeout: 1 });
    await handle.close();
    expect(isDatabaseUnavailable(cut)).toBe(true);

    const refused = postgres(`postgres://postgres@127.0.0.1:${await closedPort()}/postgres`, { max: 1, connect_timeout: 2 });
    const error = await refused`select 1`.catch((e: unknown) => e);
    await refused.end({ timeout: 1 });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});
