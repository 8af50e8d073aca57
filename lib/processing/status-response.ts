import { db } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import type { RequestContext } from "@/lib/http/route";
import { getProcessJobOrThrow, resultPathOf } from "./find-process-job";
import { enhancementSummaryOf, toProcessStatus, type ProcessType } from "./process-status";

/** Both status routes' answer; the result's URL is absolute (the request's base URL). */
export async function processStatusResponse(request: Request, ctx: RequestContext, fileId: string, processType: ProcessType): Promise<Response> {
  const job = await getProcessJobOrThrow(await db(), ctx, fileId, processType);
  const resultPath = resultPathOf(job);
  return Response.json(toProcessStatus(job, resultPath ? `${baseUrlOf(request)}${resultPath}` : null, enhancementSummaryOf(job)));
}
