import fs from "node:fs";
import http from "node:http";

/**
 * The e2e server seen from outside, through /proc: which process listens on the test port and
 * how much memory it holds, sampled while a real-sized file streams through it.
 */

/** The pid of the process listening on `port`: the socket's inode from /proc/net/tcp, then whose fd it is. */
export function listeningPid(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      // local_address is column 1 (ADDR:PORT), st 0A is LISTEN, inode is column 9.
      if (columns[1]?.endsWith(`:${hexPort}`) && columns[3] === "0A") inodes.add(columns[9]);
    }
  }
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (match && inodes.has(match[1])) return Number(entry);
      } catch {
        // The fd closed meanwhile.
      }
    }
  }
  throw new Error(`no process listens on port ${port}`);
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

export type RssFigures = { start: number; peak: number; growth: number; text: string };

/**
 * Samples the server's RSS every 50 ms until stopped; `growth` is peak minus start, in MB.
 * `snapshot` reads the figures so far without stopping (one phase of a longer job).
 */
export function sampleServerRss(baseURL: string): { snapshot: () => RssFigures; stop: () => RssFigures } {
  const pid = listeningPid(Number(new URL(baseURL).port));
  const start = rssMb(pid);
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 50);
  const snapshot = (): RssFigures => {
    peak = Math.max(peak, rssMb(pid));
    return { start, peak, growth: peak - start, text: `RSS ${start.toFixed(0)} MB -> peak ${peak.toFixed(0)} MB` };
  };
  return {
    snapshot,
    stop: () => {
      clearInterval(timer);
      return snapshot();
    },
  };
}

export type StreamedAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * A chunked POST whose body the caller writes as it goes, with no Content-Length (the server can
 * only count). `answer` settles once the server has answered, which may be before the body is
 * all sent (a refusal mid-way): `answered()` says so, and a write error after it, or just before
 * it, is ignored.
 */
export function postChunked(baseURL: string, path: string, contentType: string): { request: http.ClientRequest; answer: Promise<StreamedAnswer>; answered: () => boolean } {
  const { hostname, port } = new URL(baseURL);
  let done = false;
  const request = http.request({ hostname, port, path, method: "POST", headers: { "Content-Type": contentType, "Transfer-Encoding": "chunked" } });
  const answer = new Promise<StreamedAnswer>((resolve, reject) => {
    request.on("response", (response) => {
      done = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (text: string) => (body += text));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        request.destroy();
      });
    });
    // A server that answers mid-body closes the connection after its answer; a write the
    // client had in flight then fails (EPIPE, ECONNRESET), and that error can come before the
    // answer's bytes are parsed. It fails the request only if no answer follows within 2 s.
    request.on("error", (error) => {
      if (!done) setTimeout(() => done || reject(error), 2000);
    });
  });
  return { request, answer, answered: () => done };
}
