// GET /health and GET /health/ (contracts/cabin-events.md "Health", editor-jobs.md "Health").
import { health } from "@/lib/health/checks";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "none" }, async () => Response.json(await health()));
