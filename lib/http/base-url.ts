import { env } from "@/lib/env";

/**
 * The public base URL for absolute links in answers: PUBLIC_URL when set, else what the
 * request says: X-Forwarded-* when TRUST_PROXY=on (any client can send them), then Host.
 */
export function baseUrlOf(request: Request): string {
  const { PUBLIC_URL: configured, TRUST_PROXY } = env();
  if (configured) return configured.replace(/\/$/, "");
  const url = new URL(request.url);
  const forwarded = (name: string) => (TRUST_PROXY === "on" ? request.headers.get(name)?.split(",")[0].trim() : undefined);
  const proto = forwarded("x-forwarded-proto") || url.protocol.replace(":", "");
  const host = forwarded("x-forwarded-host") || request.headers.get("host") || url.host;
  return `${proto}://${host}`;
}
