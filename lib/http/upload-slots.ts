import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "./client-address";

/**
 * Uploads in flight per caller (an API key, a user, or an anonymous client address), capped
 * at MAX_CONCURRENT_UPLOADS (contracts/reframer.md "Rate Limiting"). Counted per process:
 * with several replicas each enforces the cap on what it receives.
 */
const inFlight: Map<string, number> = ((globalThis as { __framewiseUploads?: Map<string, number> }).__framewiseUploads ??= new Map());

export async function withUploadSlot<T>(subject: string, work: () => Promise<T>): Promise<T> {
  const current = inFlight.get(subject) ?? 0;
  if (current >= env().MAX_CONCURRENT_UPLOADS) {
    throw new AppError("rate_limited", `Too many concurrent uploads (limit ${env().MAX_CONCURRENT_UPLOADS})`, { headers: { "Retry-After": "5" } });
  }
  inFlight.set(subject, current + 1);
  try {
    return await work();
  } finally {
    const left = (inFlight.get(subject) ?? 1) - 1;
    if (left > 0) inFlight.set(subject, left);
    else inFlight.delete(subject);
  }
}

/** Anonymous callers are told apart by address: one of them cannot use up everyone's slots. */
export function uploadSubject(ctx: { apiKeyId: string | null; user: { id: string } | null }, request: Pick<Request, "headers">): string {
  return ctx.apiKeyId ? `key:${ctx.apiKeyId}` : ctx.user ? `user:${ctx.user.id}` : `ip:${clientAddress(request)}`;
}
