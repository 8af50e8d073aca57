import { describe, expect, it } from "vitest";
import { runSmoke } from "./bench/smoke";

/**
 * Benchmarks that cannot rot: each `bench:*` script runs here in its `--smoke` mode (seconds,
 * tiny input, the real server, worker and models where the bench uses them) and must exit 0
 * and print its figures. The figures themselves are not checked: this box's load is not CI's.
 * The ones that go through the production server are in bench-smoke-server.test.ts (a second
 * file, so that vitest runs the two halves side by side).
 */
describe("bench:* --smoke", () => {
  it("bench:engine runs every step once", async () => {
    const { stdout } = await runSmoke("bench-engine.ts", 120_000);
    expect(stdout).toMatch(/all completed: yes/);
    expect(stdout).toMatch(/duplicate step executions: 0/);
  }, 150_000);

  it("bench:media decodes and stores an upload intact", async () => {
    const { stdout } = await runSmoke("bench-media.ts", 120_000);
    expect(stdout).toMatch(/stored size \/ sha256:\s+matches \/ matches/);
    expect(stdout).toMatch(/generated 1920x1080 H\.264, 2 s @ 2 fps\s+4\s/);
  }, 150_000);

  it("bench:worker times every model and the HTTP worker", async () => {
    const { stdout } = await runSmoke("bench-worker.ts", 180_000);
    expect(stdout).toMatch(/^\s+centernet\s+\d+\.\d ms/m);
    expect(stdout).toMatch(/HTTP worker, \d+ inference threads\s+5 frames/);
  }, 210_000);

  it("bench:editor transcribes and renders", async () => {
    const { stdout } = await runSmoke("bench-editor.ts", 180_000);
    expect(stdout).toMatch(/^transcribe: .* \d+ words\)/m);
    expect(stdout).toMatch(/^render: .*x \(target <= 1\.1x\)/m);
  }, 210_000);

  it("bench:enhance enhances, measures histograms and upscales", async () => {
    const { stdout } = await runSmoke("bench-enhance.ts", 180_000);
    expect(stdout).toMatch(/^enhance vs bare ffmpeg/m);
    expect(stdout).toMatch(/^metadata histograms/m);
    expect(stdout).toMatch(/^upscale ESRGAN-slim 2x, .*: 1 frames/m);
  }, 210_000);

  it("bench:features extracts features and searches on both databases", async () => {
    const { stdout } = await runSmoke("bench-features.ts", 180_000);
    expect(stdout).toMatch(/^embedding\s+\d/m);
    expect(stdout).toMatch(/^pglite: HNSW/m);
    // PostgreSQL without pgvector says so instead (scripts/pgvector.sh builds it for CI).
    expect(stdout).toMatch(/^postgres: (HNSW|no pgvector here)/m);
  }, 210_000);

});
