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
  /** The client stopped sending a request body part-way. */
  | "request_timeout"
  | "unsupported_media"
  | "rate_limited"
  /** No room left on the server's disk for what was sent. */
  | "insufficient_storage"
  | "unavailable"
  | "internal";

/**
 * Which refusal this is, for an edge that words it its own way: a contract matches codes,
 * never message text, so a message can be reworded without changing a contract.
 */
export type ErrorCode =
  /** Not a video at all: a picture, text, no video stream, not a regular file. */
  | "not_a_video"
  /** A file of zero bytes. */
  | "empty_video"
  /** A video, but in a container or with an extension Framewise does not take. */
  | "unsupported_format";

export interface AppErrorOptions {
  code?: ErrorCode;
  /** Extra response headers the edge should send (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: ErrorCode | undefined;
  /** Extra response headers the edge should send (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(kind: ErrorKind, message: string, options: AppErrorOptions = {}) {
    super(message);
    this.name = "AppError";
    this.kind = kind;
    this.code = options.code;
    this.headers = options.headers ?? {};
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof Error && (error as AppError).name === "AppError" && "kind" in error;
}

/** Whether `error` is an AppError carrying one of `codes`. */
export function hasErrorCode(error: unknown, codes: readonly ErrorCode[]): error is AppError {
  return isAppError(error) && error.code !== undefined && codes.includes(error.code);
}
