// GET /job/{job_id} (contracts/reframer.md §4).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getReframeJob, toReframerJob } from "@/lib/reframer/job";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "apiKey", params }, async ({ ctx, params }) => Response.json(toReframerJob(await getReframeJob(await db(), ctx, params.job_id))));
