import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * eval:analysis must keep running: its smoke mode makes one synthetic clip, runs the real
 * detector and the product's tracking and events over it, and prints the table's row.
 */
describe("eval:analysis --smoke", () => {
  it("scores the enter-leave clip end to end", async () => {
    const json = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "eval-")), "report.json");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/eval-analysis.ts", "--smoke", "--json", json], { timeout: 120_000 });
    expect(stdout).toMatch(/^\s+enter-leave\s+1\s+1\s+\d\.\d\d/m);
    const report = JSON.parse(await fs.readFile(json, "utf8"));
    const clip = report.synthetic["enter-leave"];
    // One person walks in at one edge and out at the other: the product must see one track
    // and both crossings (figures in the README; this checks the pipe is whole, not tuning).
    expect(clip.truthTracks).toBe(1);
    expect(clip.idf1).toBeGreaterThan(0.8);
    expect(clip.crossings.entering.tp + clip.crossings.leaving.tp).toBe(2);
  }, 150_000);
});
