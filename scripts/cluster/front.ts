/**
 * The cluster's front: one port that hands requests and WebSocket upgrades to the web replicas
 * in turn (round robin). It stands in for the load balancer a production deployment already
 * has (nginx, a cloud LB), so that `scripts/cluster.sh` can show several replicas behind one URL.
 *
 *   tsx scripts/cluster/front.ts --port 3700 --upstream http://127.0.0.1:3701 --upstream http://127.0.0.1:3702
 *
 * A replica that refuses the connection is skipped for a moment and the request goes to the
 * next one; the body is not read until a replica has accepted the connection, so even an
 * upload can move on unread. Once a replica has the request, its failure is the caller's
 * answer (502), never a second run of the same request elsewhere.
 */
import http from "node:http";
import net from "node:net";
import { parseArgs } from "node:util";

const SKIP_DOWN_MS = 2000;

type Upstream = { url: URL; downUntil: number };

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3700" },
    host: { type: "string", default: "127.0.0.1" },
    upstream: { type: "string", multiple: true, default: [] },
  },
});
const upstreams: Upstream[] = values.upstream.map((u) => ({ url: new URL(u), downUntil: 0 }));
if (upstreams.length === 0) {
  console.error("front: give at least one --upstream http://host:port");
  process.exit(2);
}

let turn = 0;
/** The replicas to try for one request: all of them, starting at the next in turn, the ones seen down last. */
function order(): Upstream[] {
  const start = turn++ % upstreams.length;
  const rotated = [...upstreams.slice(start), ...upstreams.slice(0, start)];
  const now = Date.now();
  return [...rotated.filter((u) => u.downUntil <= now), ...rotated.filter((u) => u.downUntil > now)];
}

function forwardedHeaders(request: http.IncomingMessage): http.OutgoingHttpHeaders {
  const client = request.socket.remoteAddress ?? "";
  const prior = request.headers["x-forwarded-for"];
  return {
    ...request.headers,
    "x-forwarded-for": prior ? `${prior}, ${client}` : client,
    "x-forwarded-proto": "http",
    "x-forwarded-host": request.headers.host ?? "",
  };
}

function hasBody(request: http.IncomingMessage): boolean {
  return Number(request.headers["content-length"] ?? 0) > 0 || request.headers["transfer-encoding"] !== undefined;
}

function refuse(response: http.ServerResponse, status: number, detail: string) {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify({ detail }));
}

function proxy(request: http.IncomingMessage, response: http.ServerResponse, candidates: Upstream[]) {
  const upstream = candidates.shift();
  if (!upstream) return refuse(response, 503, "No web replica is reachable; try again shortly");
  let connected = false;
  const outgoing = http.request({
    host: upstream.url.hostname,
    port: upstream.url.port,
    method: request.method,
    path: request.url,
    headers: forwardedHeaders(request),
  });
  outgoing.on("socket", (socket) => {
    const start = () => {
      connected = true;
      // A retried request without a body has already ended: nothing left to pipe.
      if (request.readableEnded) outgoing.end();
      else request.pipe(outgoing);
    };
    if (socket.connecting) socket.once("connect", start);
    else start();
  });
  outgoing.on("response", (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
    answer.pipe(response);
    answer.on("error", () => response.destroy());
  });
  outgoing.on("error", () => {
    // A kept-alive connection to a replica that has since died fails only when reused: a
    // request that sent no body may go to the next replica then, as one never connected may.
    const unsent = !connected || (outgoing.reusedSocket && !hasBody(request));
    if (response.headersSent || !unsent) return refuse(response, 502, "The web replica failed while answering");
    upstream.downUntil = Date.now() + SKIP_DOWN_MS;
    proxy(request, response, candidates);
  });
  request.on("aborted", () => outgoing.destroy());
  response.on("close", () => {
    if (!response.writableFinished) outgoing.destroy();
  });
}

function tunnel(request: http.IncomingMessage, client: net.Socket, head: Buffer, candidates: Upstream[]) {
  const upstream = candidates.shift();
  if (!upstream) return void client.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
  const socket = net.connect(Number(upstream.url.port), upstream.url.hostname);
  socket.once("error", () => {
    upstream.downUntil = Date.now() + SKIP_DOWN_MS;
    tunnel(request, client, head, candidates);
  });
  socket.once("connect", () => {
    socket.removeAllListeners("error");
    const headers = forwardedHeaders(request);
    const lines = [`${request.method} ${request.url} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) lines.push(`${name}: ${one}`);
    }
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) socket.write(head);
    socket.pipe(client).pipe(socket);
    socket.on("error", () => client.destroy());
    client.on("error", () => socket.destroy());
  });
}

const server = http.createServer((request, response) => proxy(request, response, order()));
server.on("upgrade", (request, socket: net.Socket, head) => tunnel(request, socket, head, order()));
server.listen(Number(values.port), values.host, () => {
  console.log(`front listening on http://${values.host}:${values.port} -> ${upstreams.map((u) => u.url.origin).join(", ")}`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
