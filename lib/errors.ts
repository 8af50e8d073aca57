/**
 * Domain errors. They name what went wrong, never an HTTP status: only lib/http maps a
 * kind to a status code. `message` is what the user reads in `{"detail": ...}`.
 */
export type ErrorKind =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media"
  | "rate_limited"
  | "unavailable"
  | "internal";

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Extra response headers the edge should send (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(kind: ErrorKind, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "AppError";
    this.kind = kind;
    this.headers = headers;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof Error && (error as AppError).name === "AppError" && "kind" in error;
}
