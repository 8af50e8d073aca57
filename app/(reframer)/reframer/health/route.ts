// GET /reframer/health (contracts/reframer.md §1): the reframer's own health shape.
import { toReframerHealth } from "@/lib/health/reframer";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "none" }, async () => Response.json(await toReframerHealth()));
