import type { IncomingMessage } from "node:http";
import { eq } from "drizzle-orm";
import { decode } from "next-auth/jwt";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { authSecret } from "@/lib/auth/secret";
import { db } from "@/lib/db/client";
import { jobs, users } from "@/lib/db/schema";

const sessionCookies = ["__Secure-authjs.session-token", "authjs.session-token"];

/** The user behind an upgrade request: an API key (header or `?api_key=`), or a session cookie. */
async function callerOf(request: IncomingMessage, url: URL): Promise<{ id: string; role: string } | null> {
  const header = request.headers["x-api-key"];
  const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("api_key");
  if (key) return (await authenticateApiKey(await db(), key))?.user ?? null;
  const cookies = new Map(
    (request.headers.cookie ?? "").split(";").map((part) => {
      const index = part.indexOf("=");
      return [part.slice(0, index).trim(), decodeURIComponent(part.slice(index + 1).trim())] as const;
    }),
  );
  for (const name of sessionCookies) {
    const token = cookies.get(name);
    if (!token) continue;
    const claims = await decode({ token, secret: authSecret(), salt: name }).catch(() => null);
    const id = claims && String(claims.uid ?? claims.sub ?? "");
    if (!id) continue;
    const [user] = await (await db()).select({ id: users.id, role: users.role }).from(users).where(eq(users.id, id)).limit(1);
    if (user) return user;
  }
  return null;
}

/**
 * May this upgrade subscribe to `job:<jobId>`? Anonymous jobs are reachable by their
 * unguessable id alone; an owned job needs its owner or an admin.
 */
export async function mayWatchJob(request: IncomingMessage, url: URL, jobId: string): Promise<"ok" | "not_found" | "forbidden"> {
  if (!/^[0-9a-f-]{36}$/i.test(jobId)) return "not_found";
  const [job] = await (await db()).select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId)).limit(1);
  if (!job) return "not_found";
  if (!job.ownerId) return "ok";
  const caller = await callerOf(request, url);
  return caller && (caller.id === job.ownerId || caller.role === "admin") ? "ok" : "forbidden";
}
