import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** Runs `scripts/<script> --smoke` as npm test does (scripts/bench-smoke*.test.ts): its stdout, or a rejection on a non-zero exit. */
export const runSmoke = (script: string, timeout: number) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", `scripts/${script}`, "--smoke"], { timeout, maxBuffer: 16 << 20, env: { ...process.env, NODE_ENV: "production" } });
