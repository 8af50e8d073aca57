import { env } from "@/lib/env";

/**
 * The public base URL for absolute links in answers: PUBLIC_URL when set, else what the
 * request says (X-Forwarded-* from a proxy, then Host).
 */
export function baseUrlOf(request: Request): string {
  const configured = env().PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, "");
  const url = new URL(request.url);
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0].trim() || url.protocol.replace(":", "");
  const host = request.headers.get("x-forwarded-host")?.split(",")[0].trim() || request.headers.get("host") || url.host;
  return `${proto}://${host}`;
}
