import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runSmoke } from "./bench/smoke";

/**
 * bench:cluster in its `--smoke` mode (see bench-smoke.test.ts): scripts/cluster.sh brought up
 * and down by the bench (two replicas, two workers, the real Inngest server, Redis), two
 * analyses of a 4-second cut, the empty-steps function on both engines, a round of polling
 * through the front and on one replica. About 45 s on the 2-core dev box with the build made.
 * It needs the Inngest server binary, which scripts/test.sh builds in the background while the
 * main vitest run goes on, so test.sh runs this file on its own after that build (the main run
 * excludes it). Its own folder, ports and databases: it stands beside any other cluster.
 */
describe("bench:cluster --smoke", () => {
  it("runs analyses through the front, both engines and the polling spread", async () => {
    if (!fs.existsSync(".next/BUILD_ID")) throw new Error("no production build: run `npm run build` before bench:cluster");
    const { stdout } = await runSmoke("bench-cluster.ts", 240_000, [
      "--cluster-dir", ".cache/bench-cluster-smoke", "--port", "3950", "--inngest-port", "8320", "--redis-port", "6420", "--db", "framewise_bench_cluster_smoke",
    ]);
    expect(stdout).toMatch(/^all 2 completed in [\d.]+ s/m);
    expect(stdout).toMatch(/^CPU seconds while they ran: replicas web-1 [\d.]+ s, web-2 [\d.]+ s/m);
    expect(stdout).toMatch(/^\s+local engine \(PostgreSQL\)\s+[\d.]+\s+[\d.]+\s+0\s+0$/m);
    expect(stdout).toMatch(/^\s+Inngest server \(\S+\)\s+[\d.]+\s+[\d.]+\s+0\s+0$/m);
    expect(stdout).toMatch(/^front \/ one replica: [\d.]+x the rate/m);
  }, 270_000);
});
