import type { IncomingMessage } from "node:http";
import { eq } from "drizzle-orm";
import { decode } from "next-auth/jwt";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { authSecret } from "@/lib/auth/secret";
import { db } from "@/lib/db/client";
import { jobs, users } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { corsHeaders } from "@/lib/http/cors";
import { anonymousCaller, callerFor, canSee, type Caller } from "@/lib/jobs/caller";

const sessionCookies = ["__Secure-authjs.session-token", "authjs.session-token"];

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/**
 * Who opens the socket: an API key (`X-API-Key`, `Authorization: Bearer` or `?api_key=`), or
 * the browser's session cookie. A key that is not valid, or no credentials, is anonymous: the
 * socket then gets only what anyone holding the id may see.
 */
export async function callerOfUpgrade(request: IncomingMessage, url: URL): Promise<Caller | "refused"> {
  const bearer = header(request, "authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const key = header(request, "x-api-key") ?? bearer ?? url.searchParams.get("api_key");
  if (key) {
    // A key that is unknown or whose account is disabled is refused, never taken as anonymous:
    // a disabled account must not keep listening through its old key.
    const found = await authenticateApiKey(await db(), key).catch((error: unknown) => {
      if (isAppError(error)) return null;
      throw error;
    });
    return found ? callerFor(found.user) : "refused";
  }
  const cookies = new Map(
    (request.headers.cookie ?? "").split(";").map((part) => {
      const index = part.indexOf("=");
      const raw = part.slice(index + 1).trim();
      let value = raw;
      try {
        value = decodeURIComponent(raw);
      } catch {
        // A malformed cookie is no session.
      }
      return [part.slice(0, index).trim(), value] as const;
    }),
  );
  for (const name of sessionCookies) {
    const token = cookies.get(name);
    if (!token) continue;
    const claims = await decode({ token, secret: authSecret(), salt: name }).catch(() => null);
    const id = claims && String(claims.uid ?? claims.sub ?? "");
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) continue;
    const [user] = await (await db()).select({ id: users.id, role: users.role, disabledAt: users.disabledAt, sessionEpoch: users.sessionEpoch }).from(users).where(eq(users.id, id)).limit(1);
    if (user && !user.disabledAt && user.sessionEpoch === Number(claims.epoch ?? 0)) return callerFor(user);
  }
  return anonymousCaller;
}

/**
 * May this caller subscribe to `job:<jobId>`? The one rule (canSee): anonymous jobs are
 * reachable by their unguessable id alone; an owned job needs its owner or an admin. Someone
 * else's job is "not found", as over HTTP: a different answer would tell which ids exist.
 */
export async function mayWatchJob(caller: Caller, jobId: string): Promise<"ok" | "not_found"> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(jobId)) return "not_found";
  const [job] = await (await db()).select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId)).limit(1);
  return job && canSee(caller, job) ? "ok" : "not_found";
}

/**
 * A browser page on another site must not open sockets with the user's cookie (cross-site
 * WebSocket hijacking). When FRONTEND_ORIGIN lists origins, an upgrade whose `Origin` is
 * neither listed nor this server's own is refused; clients that send no Origin (not a
 * browser) are judged by their credentials alone. With `*` every origin is welcome.
 */
export function originAllowed(request: IncomingMessage): boolean {
  const origin = header(request, "origin");
  if (!origin) return true;
  // The CORS rule decides which foreign origins are listed (lib/http/cors.ts parses FRONTEND_ORIGIN).
  if (corsHeaders(origin)["Access-Control-Allow-Origin"]) return true;
  const own = [header(request, "host"), env().PUBLIC_URL ? new URL(env().PUBLIC_URL!).host : undefined].filter(Boolean);
  try {
    return own.includes(new URL(origin).host);
  } catch {
    return false;
  }
}
