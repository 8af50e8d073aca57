import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { clusterDir, clusterPort } from "../../playwright.cluster.config";
import { e2eVideoDir } from "../global-setup";

/** What `scripts/cluster.sh up` printed: one URL per part, and the shared data folder. */
export type Parts = { front: string; web: string[]; inngest: string; worker: string[]; data: string };

/** The environment every cluster command of the suite runs with: its own folder and ports. */
export function clusterEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLUSTER_DIR: path.resolve(clusterDir),
    CLUSTER_PORT: String(clusterPort),
    CLUSTER_DB: "framewise_cluster_e2e",
    CLUSTER_INNGEST_PORT: process.env.CLUSTER_E2E_INNGEST_PORT ?? "8298",
    CLUSTER_REDIS_PORT: process.env.CLUSTER_E2E_REDIS_PORT ?? "6398",
    VIDEO_INPUT_DIR: e2eVideoDir,
    // feature extraction reads products from a local file server.
    ALLOW_PRIVATE_URLS: "on",
    REGISTER_PER_HOUR: "100",
    // The fault specs poll one key's jobs every 200 ms; the hourly limit's own tests are elsewhere.
    RATE_LIMIT_PER_HOUR: "10000",
    SIGN_UP_PER_HOUR: "100",
    NEXT_TELEMETRY_DISABLED: "1",
  };
}

/** Runs `scripts/cluster.sh <verb>` and reads `up`'s lines into Parts. */
export function cluster(verb: "up" | "down" | "status" | "reset"): string {
  return execFileSync("bash", ["scripts/cluster.sh", verb], { env: clusterEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 600_000 });
}

export function parseParts(output: string): Parts {
  const parts: Parts = { front: "", web: [], inngest: "", worker: [], data: "" };
  for (const line of output.trim().split("\n")) {
    const [name, value] = line.split(" ");
    if (name === "web" || name === "worker") parts[name].push(value);
    else if (name === "front" || name === "inngest" || name === "data") parts[name] = value;
  }
  return parts;
}

const partsFile = () => path.join(clusterDir, "parts.json");
export const saveParts = (parts: Parts) => fs.writeFileSync(partsFile(), JSON.stringify(parts));
export const parts = (): Parts => JSON.parse(fs.readFileSync(partsFile(), "utf8"));

/** The pid `up` recorded for a part (web-1, worker-2, inngest, ...). */
export function pidOf(name: string): number {
  return Number(fs.readFileSync(path.join(clusterDir, "pids", name), "utf8").trim());
}

/** SIGKILL to the part's whole process group (setsid made one per part), as a crash would. */
export function crash(name: string): void {
  const pid = pidOf(name);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    process.kill(pid, "SIGKILL");
  }
}

/** `up` again: starts whatever is not running, leaves the rest. */
export function restore(): Parts {
  return parseParts(cluster("up"));
}
