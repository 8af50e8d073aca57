import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { selectRows, type DatabaseHandle } from "./client";
import { pgArray } from "./arrays";
import { createTestDatabase } from "./testing";

describe("pgArray", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => handle?.close());

  it("round-trips numbers, nulls and text with quotes, commas and backslashes", async () => {
    const texts = ["person", "cell phone", 'say "hi"', "a,b", "back\\slash", "NULL", "{}"];
    const rows = await selectRows<{ t: string | null; n: number | null }>(
      handle.db,
      sql`select t, n from unnest(${pgArray([...texts, null])}::text[], ${pgArray([1, 2.5, -3, 0, 4, 5, 6, null])}::real[]) as u(t, n)`,
    );
    expect(rows.map((r) => r.t)).toEqual([...texts, null]);
    expect(rows.map((r) => r.n)).toEqual([1, 2.5, -3, 0, 4, 5, 6, null]);
  });

  it("refuses values that are not finite numbers", () => {
    expect(() => pgArray([Number.NaN])).toThrow();
  });
});
