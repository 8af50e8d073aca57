import { copyFile, stat, truncate, utimes } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { VTEST_AVI } from "@/lib/media/test-media";
import { describeMedia, useTempDir } from "@/lib/media/test-setup";
import { recheckVideo } from "./start-analysis";

const temp = useTempDir();

describeMedia("recheckVideo", () => {
  it("trusts the request's check while the file is unchanged, and validates again once it changed", async () => {
    const file = path.join(temp.path, "trip.avi");
    await copyFile(VTEST_AVI, file);
    const { size, mtimeMs } = await stat(file);
    // A recorded check that differs from the truth shows which path was taken.
    const checked = { size, mtimeMs, duration: 12.5, fps: 10, width: 768, height: 576, codec: "msmpeg4v3" };
    expect(await recheckVideo({ path: file, checked })).toBe(checked);

    await utimes(file, new Date(), new Date(mtimeMs + 5000));
    expect((await recheckVideo({ path: file, checked })).duration).toBeCloseTo(79.5, 0);

    await truncate(file, 2000);
    await expect(recheckVideo({ path: file, checked })).rejects.toMatchObject({ kind: "bad_request" });
    await expect(recheckVideo({ path: path.join(temp.path, "gone.avi"), checked })).rejects.toThrow(/not found/);
  });
});
