import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runSmoke } from "./bench/smoke";

/**
 * The `bench:*` scripts that go through the production server, in their `--smoke` mode (see
 * bench-smoke.test.ts). They need `npm run build` first: scripts/test.sh builds before vitest.
 */
const needsBuild = () => {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("no production build: run `npm run build` before the benches that go through the server");
};

describe("bench:* --smoke through the production server", () => {
  it("bench:analysis runs a cold and a warm job through the server against the floor", async () => {
    needsBuild();
    const { stdout } = await runSmoke("bench-analysis.ts", 240_000);
    expect(stdout).toMatch(/^first job after a start: [\d.]+ s, [\d.]+x the floor/m);
    expect(stdout).toMatch(/^\s+ratio to the floor\s+[\d.]+/m);
    expect(stdout).toMatch(/^frames 15, detections \d+/m);
  }, 270_000);

  it("bench:reframer runs plain and reframed jobs through the server", async () => {
    needsBuild();
    const { stdout } = await runSmoke("bench-reframer.ts", 300_000);
    expect(stdout).toMatch(/wall \/ floor [\d.]+/);
    expect(stdout).toMatch(/^reframe 9:16/m);
  }, 330_000);

  it("bench:polling polls every route against /health, and another account's key reads nothing", async () => {
    needsBuild();
    const { stdout } = await runSmoke("bench-polling.ts", 240_000);
    for (const name of ["/api/jobs/{id}/progress", "/api/jobs/{id}", "/job/{id} (key)", "/status/{id}", "/jobs/{id}"]) {
      expect(stdout).toContain(`  ${name} `);
    }
    expect(stdout).toMatch(/lowest ratio to \/health [\d.]+ by rate/);
  }, 270_000);
});
