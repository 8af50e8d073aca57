// GET /health/diagnostics (contracts/editor-jobs.md "Health Endpoints"): every part's state;
// the details (worker URLs, files, errors) only for an admin's key or session.
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { diagnosticsFor } from "@/lib/health/checks";
import { apiKeyOf, route } from "@/lib/http/route";
import { callerFor } from "@/lib/jobs/caller";

export const dynamic = "force-dynamic";

// A health probe must answer without credentials (and with bad ones): they only add details.
async function callerOf(request: Request) {
  const key = apiKeyOf(request);
  if (key) return callerFor((await authenticateApiKey(await db(), key).catch(() => null))?.user);
  return callerFor(await currentUser().catch(() => null));
}

export const GET = route({ auth: "none" }, async ({ request }) => Response.json(await diagnosticsFor(await callerOf(request))));
