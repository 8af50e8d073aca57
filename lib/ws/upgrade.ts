import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { mayWatchJob } from "./authorize";
import { subscribe, topics } from "./hub";

/** WebSocket paths: `/ws/jobs/{job_id}` (one job's updates) and `/ws/{client_id}` (contract 003). */
const jobPath = /^\/ws\/jobs\/([^/]+)\/?$/;
const clientPath = /^\/ws\/([A-Za-z0-9._~-]{1,128})\/?$/;

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

export function isHubPath(pathname: string): boolean {
  return pathname.startsWith("/ws/");
}

/** Takes over an upgrade on a hub path; refuses with an HTTP status line when it must. */
export async function handleHubUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const job = url.pathname.match(jobPath);
  const client = job ? null : url.pathname.match(clientPath);
  if (!job && !client) return refuse(socket, 404, "Not Found");

  if (job) {
    const jobId = decodeURIComponent(job[1]);
    const verdict = await mayWatchJob(request, url, jobId).catch(() => "error" as const);
    if (verdict === "not_found") return refuse(socket, 404, "Not Found");
    if (verdict === "forbidden") return refuse(socket, 403, "Forbidden");
    if (verdict === "error") return refuse(socket, 503, "Service Unavailable");
    accept(request, socket, head, topics.job(jobId), { type: "connection", status: "connected", job_id: jobId });
    return;
  }
  const clientId = client![1];
  accept(request, socket, head, topics.client(clientId), { type: "connection", status: "connected", client_id: clientId });
}

function accept(request: IncomingMessage, socket: Duplex, head: Buffer, topic: string, hello: object): void {
  wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
    ws.send(JSON.stringify(hello));
    const unsubscribe = subscribe(topic, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    // Clients only listen; a ping keeps proxies from closing idle connections.
    const ping = setInterval(() => ws.readyState === ws.OPEN && ws.ping(), 25_000);
    ws.on("close", () => {
      clearInterval(ping);
      unsubscribe();
    });
    ws.on("error", () => ws.terminate());
  });
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
