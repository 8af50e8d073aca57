import net from "node:net";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { errorResponse } from "./errors";

describe("errorResponse", () => {
  it("answers a database that cannot be reached with 503 and a detail naming no host or SQL", async () => {
    // A port nobody listens on: bound, then closed.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const client = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, connect_timeout: 2 });
    const error = await client`select 1`.catch((e: unknown) => e);
    await client.end({ timeout: 1 });

    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = await response.json();
    expect(body).toEqual({ detail: "The database is unavailable; try again shortly" });
  });

  it("keeps an unknown error a generic 500", async () => {
    const response = errorResponse(new Error("select * from secrets at /srv/data"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ detail: "Internal server error" });
  });
});
