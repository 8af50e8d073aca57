/**
 * The one Framewise process in the embedded default: Next.js pages and route handlers, the
 * WebSocket hub, and (added by later parts) the local job engine and the inference worker,
 * all on one port. The database is opened and migrated before the first request.
 */
import http from "node:http";
import next from "next";
import { closeDatabase, database } from "@/lib/db/client";
import { env } from "@/lib/env";
import { handleHubUpgrade, isHubPath } from "@/lib/ws/upgrade";

const config = env();
const dev = process.argv.includes("--dev") || config.NODE_ENV === "development" && !process.argv.includes("--prod");

const handle = await database();
console.log(`[framewise] database ready (${handle.driver})`);

const server = http.createServer();
const app = next({ dev, hostname: config.HOST, port: config.PORT, httpServer: server, dir: import.meta.dirname });
await app.prepare();
const handleRequest = app.getRequestHandler();

server.on("request", (request, response) => {
  handleRequest(request, response).catch((error) => {
    console.error("[framewise] request failed:", error);
    if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
    response.end(JSON.stringify({ detail: "Internal server error" }));
  });
});

server.on("upgrade", (request, socket, head) => {
  const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
  if (isHubPath(pathname)) {
    handleHubUpgrade(request, socket, head).catch(() => socket.destroy());
  } else if (!dev) {
    // In development Next's own listener serves its HMR socket; in production nothing else may upgrade.
    socket.destroy();
  }
});

await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : config.PORT;
console.log(`[framewise] listening on http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${port} (${dev ? "development" : "production"})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[framewise] ${signal}: shutting down`);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close().catch(() => {});
  await closeDatabase();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
