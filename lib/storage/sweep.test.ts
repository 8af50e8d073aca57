import { existsSync } from "node:fs";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "@/lib/media/test-media";
import { jobMediaDir, storageLayout } from "./layout";
import { sweepStaleFiles } from "./sweep";
import { produceFileAtomic, writeFileAtomic } from "./write-file";

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

async function place(file: string, ageMs: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "x");
  const at = new Date(Date.now() - ageMs);
  await utimes(file, at, at);
  return file;
}

describe("unfinished files a crash leaves", () => {
  it("are swept from job media, uploads and tmp once stale; finished and fresh files stay", async () => {
    const root = path.join(dir, "sweep");
    const layout = storageLayout(root);
    const media = jobMediaDir("job-1", root);
    const hour = 3_600_000;
    const stale = [
      await place(path.join(media, ".clip.mp4.0a1b2c3d.part"), hour),
      await place(path.join(media, "snapshots", ".e1.jpg.deadbeef.part"), hour),
      await place(path.join(layout.uploads, ".video-1.mp4.12345678.part"), hour),
      await place(path.join(layout.tmp, "3f0c-upload.mp4"), hour),
    ];
    const kept = [
      await place(path.join(media, "clip.mp4"), hour),
      await place(path.join(media, ".clip.mp4.99999999.part"), 1000),
      await place(path.join(media, "notes.part"), hour),
      await place(path.join(layout.tmp, "fresh.mp4"), 1000),
    ];
    const removed = await sweepStaleFiles({ dataDir: root, olderThanMs: 10 * 60_000 });
    expect(removed.sort()).toEqual(stale.map((file) => path.relative(root, file)).sort());
    for (const file of stale) expect(existsSync(file), file).toBe(false);
    for (const file of kept) expect(existsSync(file), file).toBe(true);

    // At start, with nothing in flight: every unfinished file goes.
    const all = await sweepStaleFiles({ dataDir: root, olderThanMs: 0 });
    expect(all.sort()).toEqual([path.relative(root, kept[1]), path.relative(root, kept[3])].sort());
    expect(existsSync(kept[0])).toBe(true);
  });

  it("of a target are removed when a retried step writes it again", async () => {
    const media = jobMediaDir("job-2", path.join(dir, "retry"));
    const left = await place(path.join(media, ".clip.mp4.0a1b2c3d.part"), 5000);
    const otherTarget = await place(path.join(media, ".clip.mp4.json.0a1b2c3d.part"), 5000);
    await produceFileAtomic(path.join(media, "clip.mp4"), async (partial) => writeFile(partial, "video"));
    expect(existsSync(left)).toBe(false);
    expect(existsSync(otherTarget)).toBe(true);
    await writeFileAtomic(path.join(media, "clip.mp4.json"), "{}");
    expect((await readdir(media)).sort()).toEqual(["clip.mp4", "clip.mp4.json"]);
  });
});
