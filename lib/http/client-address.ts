import type { IncomingMessage } from "node:http";

/**
 * The caller's network address, for limits kept per client (registrations, anonymous uploads).
 * Route handlers get no socket, so server.ts stamps each request with the socket's address in
 * a private header before Next sees it, replacing whatever the client sent under that name.
 * Nothing reads X-Forwarded-For: behind a reverse proxy every caller is the proxy.
 */
export const clientAddressHeader = "x-framewise-client-address";

/** server.ts, first thing for every request: the socket's address, never the client's word. */
export function stampClientAddress(request: IncomingMessage): void {
  delete request.headers[clientAddressHeader];
  request.headers[clientAddressHeader] = normalizeAddress(request.socket.remoteAddress);
}

/** The stamped address, or "unknown" outside server.ts (tests calling handlers directly). */
export function clientAddress(request: Pick<Request, "headers">): string {
  return request.headers.get(clientAddressHeader)?.trim() || "unknown";
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) is 127.0.0.1. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
