// GET /api/jobs/server-videos (contracts/cabin-events.md "List Server Videos").
import { route } from "@/lib/http/route";
import { listServerVideos } from "@/lib/media/server-videos";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "anonymousApi" }, async () => Response.json({ videos: await listServerVideos() }));
