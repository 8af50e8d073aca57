import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "@/lib/media/test-media";
import { jobMediaDir, storageLayout } from "./layout";
import { moveFile, produceFileAtomic, tempPath, writeFileAtomic, writeStreamToFile } from "./write-file";

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir();
});

afterAll(async () => {
  await removeDir(dir);
});

function chunks(count: number, size: number): Readable {
  return Readable.from((function* () {
    for (let index = 0; index < count; index++) yield Buffer.alloc(size, index % 251);
  })());
}

describe("storage layout", () => {
  it("puts uploads, jobs, tmp and the object-storage working copies under DATA_DIR", () => {
    const layout = storageLayout("/data");
    expect(layout).toEqual({ root: "/data", uploads: "/data/uploads", jobs: "/data/jobs", tmp: "/data/tmp", work: "/data/work" });
    expect(jobMediaDir("job_123-abc", "/data")).toBe("/data/jobs/job_123-abc/media");
    expect(path.dirname(tempPath(".mp4", "/data"))).toBe("/data/tmp");
    expect(tempPath(".mp4/../x", "/data")).not.toContain("..");
  });

  it.each(["../x", "a/b", "", ".hidden", "a".repeat(200)])("refuses job id %j", (jobId) => {
    expect(() => jobMediaDir(jobId, "/data")).toThrow(expect.objectContaining({ kind: "not_found" }));
  });
});

describe("writes", () => {
  it("writes atomically and leaves no temporary files", async () => {
    const target = path.join(dir, "atomic", "a.json");
    await writeFileAtomic(target, '{"a":1}');
    await writeFileAtomic(target, '{"a":2}');
    expect(await readFile(target, "utf8")).toBe('{"a":2}');
    expect(await readdir(path.dirname(target))).toEqual(["a.json"]);
  });

  it("streams to a file with size and SHA-256", async () => {
    const target = path.join(dir, "stream", "big.bin");
    const expected = createHash("sha256");
    for (let index = 0; index < 40; index++) expected.update(Buffer.alloc(65536, index % 251));
    const written = await writeStreamToFile(target, chunks(40, 65536));
    expect(written).toEqual({ path: target, size: 40 * 65536, sha256: expected.digest("hex") });
  });

  it("stops at the size limit and removes the partial file", async () => {
    const target = path.join(dir, "limited", "big.bin");
    await expect(
      writeStreamToFile(target, chunks(40, 65536), { maxBytes: 100_000, tooLargeMessage: "too big" }),
    ).rejects.toMatchObject({ kind: "payload_too_large", message: "too big" });
    expect(await readdir(path.dirname(target))).toEqual([]);
  });

  it("keeps a failed tool's output out of place", async () => {
    const target = path.join(dir, "produce", "clip.mp4");
    await expect(produceFileAtomic(target, async () => undefined)).rejects.toThrow(/Nothing was written/);
    await expect(
      produceFileAtomic(target, async (partial) => {
        await writeFileAtomic(partial, "half");
        throw new Error("ffmpeg died");
      }),
    ).rejects.toThrow("ffmpeg died");
    expect(await readdir(path.dirname(target))).toEqual([]);
    await produceFileAtomic(target, (partial) => writeFileAtomic(partial, "done"));
    expect(await readFile(target, "utf8")).toBe("done");
  });

  it("moves files into place", async () => {
    const from = path.join(dir, "from.txt");
    await writeFileAtomic(from, "moved");
    const to = path.join(dir, "uploads", "to.txt");
    await moveFile(from, to);
    expect(await readFile(to, "utf8")).toBe("moved");
  });
});
