import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStore } from "./local-store";
import { checkKey, type ObjectStore } from "./object-store";
import { PART_BYTES, type S3Store } from "./s3-store";
import { startTestS3Server, type TestS3Server } from "./testing";

const run = promisify(execFile);

async function keysOf(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/** A body of `parts` chunks of `size` bytes, failing before its last one when `failAt` says so. */
async function* chunks(count: number, size: number, failAt?: number): AsyncIterable<Buffer> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error("client went away");
    yield Buffer.alloc(size, i % 251);
  }
}

let server: TestS3Server;
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "framewise-store-"));
  server = await startTestS3Server(18533);
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await rm(folder, { recursive: true, force: true });
});

describe.each([
  ["local disk", () => new LocalStore(path.join(folder, randomUUID()))],
  ["S3 (SeaweedFS)", () => server.store(`t-${randomUUID()}`)],
] as const)("the object store on %s", (_name, makeStore) => {
  it("writes a stream, then answers its size, whole and ranged reads, a listing and an input ffprobe reads", async () => {
    const store = makeStore();
    const body = Buffer.concat([Buffer.alloc(PART_BYTES, 1), Buffer.from("tail")]);
    const written = await store.write("jobs/j1/media/clip.bin", Readable.from([body.subarray(0, 1000), body.subarray(1000)]));
    expect(written).toEqual({ size: body.length, sha256: createHash("sha256").update(body).digest("hex") });
    expect((await store.stat("jobs/j1/media/clip.bin"))?.size).toBe(body.length);
    expect(await text(await store.read("jobs/j1/media/clip.bin", { start: PART_BYTES, end: PART_BYTES + 3 }))).toBe("tail");
    const whole = Buffer.concat(await (await store.read("jobs/j1/media/clip.bin")).toArray());
    expect(whole.equals(body)).toBe(true);
    await store.write("jobs/j1/media/sub/a.json", Readable.from([Buffer.from("{}")]));
    expect(await keysOf(store, "jobs/j1/")).toEqual(["jobs/j1/media/clip.bin", "jobs/j1/media/sub/a.json"]);

    // ffprobe reads a video through inputUrl: a path on disk, a presigned GET on S3.
    const video = path.resolve("../shared/media/vtest.avi");
    await store.upload("uploads/v.avi", video);
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=width", "-of", "csv=p=0", await store.inputUrl("uploads/v.avi")]);
    expect(stdout.trim()).toBe("768");
    const local = path.join(folder, `${randomUUID()}.avi`);
    await store.download("uploads/v.avi", local);
    expect((await readFile(local)).equals(await readFile(video))).toBe(true);
  });

  it("leaves no object when the body fails, passes the size limit or is aborted", async () => {
    const store = makeStore();
    await expect(store.write("uploads/failed.bin", chunks(3, PART_BYTES, 2))).rejects.toThrow("client went away");
    await expect(store.write("uploads/big.bin", chunks(3, PART_BYTES), { maxBytes: PART_BYTES * 2, tooLargeMessage: "too big" })).rejects.toMatchObject({ kind: "payload_too_large" });
    const abort = new AbortController();
    const slow = async function* () {
      yield Buffer.alloc(PART_BYTES, 1);
      yield Buffer.alloc(PART_BYTES, 2);
      abort.abort();
      yield Buffer.alloc(10, 3);
    };
    await expect(store.write("uploads/aborted.bin", slow(), { signal: abort.signal })).rejects.toThrow();
    expect(await keysOf(store, "uploads/")).toEqual([]);
    if (store.kind === "s3") expect(await (store as S3Store).openUploads()).toEqual([]);
  });

  it("answers a missing key as missing, and removes one key or a whole folder", async () => {
    const store = makeStore();
    expect(await store.stat("jobs/nope/media/x.mp4")).toBeNull();
    await expect(store.read("jobs/nope/media/x.mp4")).rejects.toMatchObject({ kind: "not_found" });
    await store.remove("jobs/nope/media/x.mp4");
    for (const name of ["a.jpg", "b/c.jpg", "d.mp4"]) await store.write(`jobs/j2/media/${name}`, Readable.from([Buffer.from(name)]));
    await store.write("jobs/j3/media/keep.jpg", Readable.from([Buffer.from("keep")]));
    await store.remove("jobs/j2/media/d.mp4");
    expect(await store.removeAll("jobs/j2/")).toBe(2);
    expect(await keysOf(store, "jobs/")).toEqual(["jobs/j3/media/keep.jpg"]);
  });
});

describe("keys", () => {
  it("refuses keys that could leave their folder or hide as half-written files", () => {
    for (const key of ["../etc/passwd", "jobs/../x", "/abs", "jobs//x", "jobs/.hidden", "a\\b", "a/b\n", ""]) {
      expect(() => checkKey(key), key).toThrow();
    }
    expect(checkKey("jobs/j/media/clips/event 3.mp4")).toBe("jobs/j/media/clips/event 3.mp4");
  });
});

describe("presigned reads", () => {
  it("answers only to the right signature", async () => {
    const store = server.store(`sign-${randomUUID()}`);
    await store.write("uploads/a.txt", Readable.from([Buffer.from("hello")]));
    const url = await store.inputUrl("uploads/a.txt", 60);
    expect(await (await fetch(url)).text()).toBe("hello");
    expect((await fetch(url.replace(/X-Amz-Signature=[0-9a-f]+/, "X-Amz-Signature=" + "0".repeat(64)))).status).toBe(403);
    expect((await fetch(url.split("?")[0])).status).toBe(403);
  });
});

// Last in the file: the server takes seconds to take writes again after its restart.
describe("the S3 store when the server stops", () => {
  it("fails a write in progress as unavailable and leaves no object once the server is back", async () => {
    const store = server.store(`stop-${randomUUID()}`);
    let sent = 0;
    const body = async function* () {
      for (;;) {
        sent++;
        if (sent === 3) await server.stop();
        yield Buffer.alloc(PART_BYTES, sent);
        if (sent > 50) throw new Error("the write should have failed by now");
      }
    };
    await expect(store.write("uploads/cut.bin", body())).rejects.toMatchObject({ kind: "unavailable", message: "Media storage is unavailable; try again shortly" });
    await expect(store.stat("uploads/cut.bin")).rejects.toMatchObject({ kind: "unavailable" });
    await server.start();
    expect(await store.stat("uploads/cut.bin")).toBeNull();
    // The parts the server had taken before it stopped belong to an upload nobody will finish:
    // the sweep aborts such uploads once they are old (here: anything begun before now).
    await store.abortStaleUploads(-60_000);
    expect(await store.openUploads()).toEqual([]);
  }, 120_000);
});
