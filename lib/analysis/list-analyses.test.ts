import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { createTestDatabase } from "@/lib/db/testing";
import { createUser } from "@/lib/auth/users";
import { listAnalyses } from "./list-analyses";

describe("listAnalyses", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => handle?.close());

  it("lists a user's own analyses, everyone's for an admin, nothing for the anonymous", async () => {
    const admin = await createUser(handle.db, { email: "admin@example.com", password: "long enough" });
    const alice = await createUser(handle.db, { email: "alice@example.com", password: "long enough" });
    const [mine] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: alice.id, tripId: "T1" }).returning();
    await handle.db.insert(jobs).values([{ kind: "analyze", ownerId: null }, { kind: "ingest", ownerId: alice.id }]);

    expect((await listAnalyses(handle.db, { user: alice, isAdmin: false })).map((a) => a.id)).toEqual([mine.id]);
    expect(await listAnalyses(handle.db, { user: admin, isAdmin: true })).toHaveLength(2);
    expect(await listAnalyses(handle.db, { user: null, isAdmin: false })).toEqual([]);
  });
});
