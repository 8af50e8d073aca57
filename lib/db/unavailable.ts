/**
 * Whether an error means the database cannot be reached right now (stopped, restarting, the
 * connection cut), as opposed to a fault in the query. Such a request is answered 503 and may
 * be retried; nothing it was about is lost, because nothing was written.
 *
 * postgres.js reports the network side with Node's socket codes and its own CONNECTION_* codes;
 * the server side with SQLSTATE classes 08 (connection exception) and 57P (operator
 * intervention: shutdown, crash recovery, "cannot connect now"). Drizzle wraps the driver's
 * error as `cause`, so the whole chain is read.
 */
const socketCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    if (socketCodes.has(code) || code.startsWith("08") || code.startsWith("57P")) return true;
  }
  return false;
}
