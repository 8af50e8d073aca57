// GET /health/diagnostics (contracts/editor-jobs.md "Health Endpoints"): every part's state.
import { diagnostics } from "@/lib/health/checks";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "none" }, async () => Response.json(await diagnostics()));
