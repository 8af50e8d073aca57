import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { canSee, type Caller } from "@/lib/jobs/caller";
import { clientCatchUpMessages } from "@/lib/processing/catch-up";
import { createStatusGate } from "@/lib/processing/process-status";
import { callerOfUpgrade, mayWatchJob, originAllowed } from "./authorize";
import { subscribe, topics } from "./hub";

/** WebSocket paths: `/ws/jobs/{job_id}` (one job's updates) and `/ws/{client_id}` (contract 003). */
const jobPath = /^\/ws\/jobs\/([^/]+)\/?$/;
const clientPath = /^\/ws\/([A-Za-z0-9._~-]{1,128})\/?$/;

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

export function isHubPath(pathname: string): boolean {
  return pathname.startsWith("/ws/");
}

/**
 * Takes over an upgrade on a hub path; refuses with an HTTP status line when it must: 403 for
 * a foreign Origin (originAllowed), 401 for an API key that is unknown or whose account is
 * disabled, 404 for a job that is unknown or someone else's. The caller is
 * identified once, at the upgrade, and every message is passed on only if canSee allows it:
 * on `/ws/{client_id}` (a name anyone may pick) an owned job's messages reach its owner's and
 * admins' sockets only.
 */
export async function handleHubUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const job = url.pathname.match(jobPath);
  const client = job ? null : url.pathname.match(clientPath);
  if (!job && !client) return refuse(socket, 404, "Not Found");
  if (!originAllowed(request)) return refuse(socket, 403, "Forbidden");

  const caller = await callerOfUpgrade(request, url).catch(() => null);
  if (!caller) return refuse(socket, 503, "Service Unavailable");
  if (caller === "refused") return refuse(socket, 401, "Unauthorized");
  if (job) {
    let jobId: string;
    try {
      jobId = decodeURIComponent(job[1]);
    } catch {
      return refuse(socket, 404, "Not Found");
    }
    const verdict = await mayWatchJob(caller, jobId).catch(() => "error" as const);
    if (verdict === "not_found") return refuse(socket, 404, "Not Found");
    if (verdict === "error") return refuse(socket, 503, "Service Unavailable");
    accept(request, socket, head, caller, topics.job(jobId), { type: "connection", status: "connected", job_id: jobId });
    return;
  }
  const clientId = client![1];
  // contracts/enhance-metadata.md: a late socket hears where its client's files stand at once.
  accept(request, socket, head, caller, topics.client(clientId), { type: "connection", status: "connected", client_id: clientId }, {
    catchUp: () => clientCatchUpMessages(caller, clientId),
    gate: createStatusGate(),
  });
}

/**
 * catchUp: messages sent right after the hello (already filtered for the caller); live ones
 * that arrive meanwhile wait behind them. gate: a last per-socket filter (order, no going back).
 */
type AcceptOptions = { catchUp?: () => Promise<unknown[]>; gate?: (message: unknown) => boolean };

function accept(request: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller, topic: string, hello: object, options: AcceptOptions = {}): void {
  wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
    ws.send(JSON.stringify(hello));
    const send = (message: unknown) => {
      if (options.gate && !options.gate(message)) return;
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    let waiting: unknown[] | null = options.catchUp ? [] : null;
    const unsubscribe = subscribe(topic, (message, audience) => {
      if (audience && !canSee(caller, audience)) return;
      if (waiting) waiting.push(message);
      else send(message);
    });
    if (options.catchUp) {
      // Nothing awaits this: the catch-up goes out when it is read, live messages wait behind it.
      void options
        .catchUp()
        .catch(() => [])
        .then((messages) => {
          for (const message of messages) send(message);
          const queued = waiting ?? [];
          waiting = null;
          for (const message of queued) send(message);
        });
    }
    // Sign-out or disabling ends the account's sockets at once (endSessions in lib/auth/users.ts).
    const unsubscribeUser = caller.user ? subscribe(topics.user(caller.user.id), () => ws.close(4401, "Session ended")) : () => {};
    // Clients only listen; a ping keeps proxies from closing idle connections.
    const ping = setInterval(() => ws.readyState === ws.OPEN && ws.ping(), 25_000);
    ws.on("close", () => {
      clearInterval(ping);
      unsubscribe();
      unsubscribeUser();
    });
    ws.on("error", () => ws.terminate());
  });
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
