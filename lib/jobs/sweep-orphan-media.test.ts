import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { videos } from "@/lib/db/schema";
import { createTestDatabase } from "@/lib/db/testing";
import { storedPath } from "@/lib/storage/job-media";
import type { ObjectStore } from "@/lib/storage/object-store";
import { startTestS3Server, type TestS3Server } from "@/lib/storage/testing";
import { createJob } from "./create-job";
import { setJobQueue } from "./job-queue";
import { sweepOrphanMedia } from "./sweep-orphan-media";

let handle: DatabaseHandle;
let server: TestS3Server;

beforeAll(async () => {
  handle = await createTestDatabase("pglite");
  // The job only needs its row: nothing runs it.
  setJobQueue({ enqueue: async () => {}, cancel: async () => {}, finished: async () => {} });
  server = await startTestS3Server(18543);
}, 600_000);

afterAll(async () => {
  await handle?.close();
  await server?.stop();
});

async function put(store: ObjectStore, key: string) {
  await store.write(key, Readable.from([Buffer.from(key)]));
}

async function keysOf(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys.sort();
}

describe("the object store's orphan sweep", () => {
  it("removes the media of jobs whose rows are gone, uploads no video names and workers' scratch copies, once a day old; the rest stays", async () => {
    const store = server.store(`sweep-${randomUUID()}`);
    const job = await createJob(handle.db, { user: null, isAdmin: false, queueKey: "ip:10.0.0.9" }, { kind: "ingest", payload: { video_name: "a.mp4" } });
    const gone = randomUUID();
    await put(store, `jobs/${job.id}/media/event-001.jpg`);
    await put(store, `jobs/${gone}/media/event-001.jpg`);
    await put(store, `jobs/${gone}/media/clips/event-001.mp4`);
    await put(store, "uploads/kept.mp4");
    await put(store, "uploads/orphan.mp4");
    await put(store, `scratch/${randomUUID()}/mask-input.png`);
    await handle.db.insert(videos).values({ filename: "kept.mp4", path: storedPath("uploads/kept.mp4"), source: "upload" });

    // Fresh objects stay whatever their state: a job or an upload may be mid-write.
    expect(await sweepOrphanMedia(handle.db, { store })).toEqual({ jobs: 0, uploads: 0, scratch: 0, multipartUploads: 0 });
    // A day and more later, only what nobody names goes.
    const later = Date.now() + 2 * 24 * 3600 * 1000;
    expect(await sweepOrphanMedia(handle.db, { store, now: later })).toEqual({ jobs: 1, uploads: 1, scratch: 1, multipartUploads: 0 });
    expect(await keysOf(store, "jobs/")).toEqual([`jobs/${job.id}/media/event-001.jpg`]);
    expect(await keysOf(store, "uploads/")).toEqual(["uploads/kept.mp4"]);
    expect(await keysOf(store, "scratch/")).toEqual([]);
  });
});
