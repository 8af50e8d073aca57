// POST /register (contracts/reframer.md §2): email -> account + API key, shown once.
import { z } from "zod";
import { registerWithApiKey } from "@/lib/auth/register";
import { db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { rateLimitHeaders } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/route";

const body = z.object({ email: z.unknown() });

// Limited per client address (REGISTER_PER_HOUR): 429 with Retry-After past it.
export const POST = route({ auth: "none", body }, async ({ request, body }) => {
  const { user, apiKey, limit } = await registerWithApiKey(await db(), body.email, { address: clientAddress(request) });
  return Response.json({ status: "success", user_id: user.id, email: user.email, api_key: apiKey }, { headers: rateLimitHeaders(limit) });
});
