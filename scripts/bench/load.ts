import fs from "node:fs";
import http from "node:http";

/**
 * A small closed-loop HTTP load generator: `connections` keep-alive sockets, each sending its
 * next GET as soon as the last answer is read, for `durationMs`. Latency is per request, from
 * write to the end of the body, once every socket is connected. Any answer other than
 * `expectStatus` fails the run: a fast error page must not pass for a fast route.
 */
export type LoadResult = { path: string; requests: number; seconds: number; rate: number; p50: number; p99: number; max: number; cpuSeconds?: number };

/** CPU seconds (user + system, all threads) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
}

/**
 * `serverPid`: the server's CPU seconds during the run are returned too. On a shared box they
 * are what the requests cost, whatever else the cores were busy with.
 */
export async function measureLoad(base: string, path: string, options: { connections: number; durationMs: number; headers?: Record<string, string>; expectStatus?: number; serverPid?: number }): Promise<LoadResult> {
  const url = new URL(path, base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const expectStatus = options.expectStatus ?? 200;
  const one = (record = true) =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const request = http.get({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers: options.headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          if (response.statusCode !== expectStatus) {
            reject(new Error(`GET ${path}: ${response.statusCode} ${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`));
            return;
          }
          if (record) latencies.push(performance.now() - t0);
          resolve();
        });
        response.on("error", reject);
      });
      request.on("error", reject);
    });
  // Pollers hold their connections open: every socket is connected, with one answer read, before
  // the clock starts. Timed from a standing start, 50 handshakes at once were the slowest 3% of a
  // 2-second round, so its p99 measured connecting rather than polling.
  await Promise.all(Array.from({ length: options.connections }, () => one(false)));
  const cpuBefore = options.serverPid ? cpuSecondsOf(options.serverPid) : undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const loop = async () => {
    while (performance.now() < deadline) await one();
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, loop));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuBefore === undefined ? undefined : cpuSecondsOf(options.serverPid!) - cpuBefore;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { path, requests: sorted.length, seconds, rate: sorted.length / seconds, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN, cpuSeconds };
}
