// POST /register (contracts/reframer.md §2): email -> account + API key, shown once.
import { z } from "zod";
import { registerWithApiKey } from "@/lib/auth/register";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

const body = z.object({ email: z.unknown() });

export const POST = route({ auth: "none", body }, async ({ body }) => {
  const { user, apiKey } = await registerWithApiKey(await db(), body.email);
  return Response.json({ status: "success", user_id: user.id, email: user.email, api_key: apiKey });
});
