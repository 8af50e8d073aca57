import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { S3Store } from "./s3-store";

const run = promisify(execFile);
const script = path.resolve(__dirname, "../../scripts/s3-server.sh");

/** A real SeaweedFS (scripts/s3-server.sh) for a test file, on its own port and folder. */
export interface TestS3Server {
  env: Record<string, string>;
  /** A store on this server under `prefix` (a fresh one per test keeps tests apart). */
  store(prefix: string): S3Store;
  stop(): Promise<void>;
  /** Starts it again on the same data (after stop). */
  start(): Promise<void>;
}

export async function startTestS3Server(port: number): Promise<TestS3Server> {
  const serverEnv = { ...process.env, S3_PORT: String(port), S3_DIR: path.resolve(`.cache/s3-test-${port}`) };
  const start = async (fresh: boolean) => {
    const { stdout } = await run("bash", [script, "start"], { env: { ...serverEnv, S3_FRESH: fresh ? "1" : "" }, timeout: 600_000 });
    return Object.fromEntries(stdout.trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  };
  const env = await start(true);
  const client = new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 20_000 },
    maxAttempts: 1,
    // As S3Store.fromEnv: presigned PUTs carry no checksum of an empty body.
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
  const bucket = new URL(env.STORAGE_URL).hostname;
  return {
    env,
    store: (prefix) => new S3Store(client, bucket, `${prefix}/`),
    stop: async () => {
      await run("bash", [script, "stop"], { env: serverEnv });
    },
    start: async () => {
      await start(false);
    },
  };
}
