import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { isAppError, type ErrorKind } from "@/lib/errors";
import { publicMessage } from "@/lib/public-message";
import { diskFullError, isDiskFull } from "@/lib/storage/disk-space";

/** The one place where a domain error kind becomes an HTTP status. */
export const statusOf: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  unavailable: 503,
  insufficient_storage: 507,
  internal: 500,
};

export function detail(status: number, message: string, headers: HeadersInit = {}): Response {
  return Response.json({ detail: message }, { status, headers });
}

/**
 * Domain errors keep their message, less host paths and SQL (media errors quote ffprobe, which
 * names the file); anything else is logged and answered generically.
 */
export function errorResponse(error: unknown): Response {
  if (isAppError(error)) return detail(statusOf[error.kind], publicMessage(error.message), error.headers);
  // A full disk is the server's state, not a fault in the request: 507 with the reason, whatever write hit it.
  if (isDiskFull(error)) return errorResponse(diskFullError());
  // The database stopped or restarting: nothing was written, the caller may try again shortly.
  if (isDatabaseUnavailable(error)) return detail(503, "The database is unavailable; try again shortly", { "retry-after": "5" });
  console.error("[http] unhandled error:", error);
  return detail(500, "Internal server error");
}
