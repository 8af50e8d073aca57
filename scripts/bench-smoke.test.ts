import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * Benchmarks that cannot rot: each `bench:*` script runs here in its `--smoke` mode (seconds,
 * tiny input, the real server, worker and models where the bench uses them) and must exit 0
 * and print its figures. The figures themselves are not checked: this box's load is not CI's.
 * The ones that go through the production server need `npm run build` first (scripts/test.sh
 * builds before it runs vitest).
 */
const run = (script: string, timeout: number) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", `scripts/${script}`, "--smoke"], { timeout, maxBuffer: 16 << 20, env: { ...process.env, NODE_ENV: "production" } });

const needsBuild = () => {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("no production build: run `npm run build` before the benches that go through the server");
};

describe("bench:* --smoke", () => {
  it("bench:engine runs every step once", async () => {
    const { stdout } = await run("bench-engine.ts", 120_000);
    expect(stdout).toMatch(/all completed: yes/);
    expect(stdout).toMatch(/duplicate step executions: 0/);
  }, 150_000);

  it("bench:media decodes and stores an upload intact", async () => {
    const { stdout } = await run("bench-media.ts", 120_000);
    expect(stdout).toMatch(/stored size \/ sha256:\s+matches \/ matches/);
    expect(stdout).toMatch(/generated 1920x1080 H\.264, 2 s @ 2 fps\s+4\s/);
  }, 150_000);

  it("bench:worker times every model and the HTTP worker", async () => {
    const { stdout } = await run("bench-worker.ts", 180_000);
    expect(stdout).toMatch(/^\s+centernet\s+\d+\.\d ms/m);
    expect(stdout).toMatch(/HTTP worker, \d+ inference threads\s+5 frames/);
  }, 210_000);

  it("bench:editor transcribes and renders", async () => {
    const { stdout } = await run("bench-editor.ts", 180_000);
    expect(stdout).toMatch(/^transcribe: .* \d+ words\)/m);
    expect(stdout).toMatch(/^render: .*x \(target <= 1\.1x\)/m);
  }, 210_000);

  it("bench:enhance enhances, measures histograms and upscales", async () => {
    const { stdout } = await run("bench-enhance.ts", 180_000);
    expect(stdout).toMatch(/^enhance vs bare ffmpeg/m);
    expect(stdout).toMatch(/^metadata histograms/m);
    expect(stdout).toMatch(/^upscale ESRGAN-slim 2x, .*: 1 frames/m);
  }, 210_000);

  it("bench:features extracts features and searches on both databases", async () => {
    const { stdout } = await run("bench-features.ts", 180_000);
    expect(stdout).toMatch(/^embedding\s+\d/m);
    expect(stdout).toMatch(/^pglite: HNSW/m);
    // PostgreSQL without pgvector says so instead (scripts/pgvector.sh builds it for CI).
    expect(stdout).toMatch(/^postgres: (HNSW|no pgvector here)/m);
  }, 210_000);

  it("bench:analysis runs a cold and a warm job through the server against the floor", async () => {
    needsBuild();
    const { stdout } = await run("bench-analysis.ts", 240_000);
    expect(stdout).toMatch(/^first job after a start: [\d.]+ s, [\d.]+x the floor/m);
    expect(stdout).toMatch(/^\s+ratio to the floor\s+[\d.]+/m);
    expect(stdout).toMatch(/^frames 15, detections \d+/m);
  }, 270_000);

  it("bench:reframer runs plain and reframed jobs through the server", async () => {
    needsBuild();
    const { stdout } = await run("bench-reframer.ts", 300_000);
    expect(stdout).toMatch(/wall \/ floor [\d.]+/);
    expect(stdout).toMatch(/^reframe 9:16/m);
  }, 330_000);

  it("bench:polling polls every route against /health, and another account's key reads nothing", async () => {
    needsBuild();
    const { stdout } = await run("bench-polling.ts", 240_000);
    for (const name of ["/api/jobs/{id}/progress", "/api/jobs/{id}", "/job/{id} (key)", "/status/{id}", "/jobs/{id}"]) {
      expect(stdout).toContain(`  ${name} `);
    }
    expect(stdout).toMatch(/lowest ratio to \/health [\d.]+ by rate/);
  }, 270_000);
});
