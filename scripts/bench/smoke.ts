import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** Runs `scripts/<script> --smoke [args]` as npm test does (scripts/bench-smoke*.test.ts): its stdout, or a rejection on a non-zero exit. */
export const runSmoke = (script: string, timeout: number, args: string[] = []) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", `scripts/${script}`, "--smoke", ...args], { timeout, maxBuffer: 16 << 20, env: { ...process.env, NODE_ENV: "production" } });
