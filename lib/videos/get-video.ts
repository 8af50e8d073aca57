import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { videos, type Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { canSee, type Caller } from "@/lib/jobs/caller";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A video the caller may see (lib/jobs/caller.ts canSee: owner, admin, or an anonymous video by
 * its id). Someone else's video is reported as missing, exactly like an unknown id.
 */
export async function getVideoOrThrow(db: Db, caller: Caller, videoId: string): Promise<Video> {
  const [video] = uuid.test(videoId) ? await db.select().from(videos).where(eq(videos.id, videoId)).limit(1) : [];
  if (!video || !canSee(caller, video)) throw new AppError("not_found", `Source asset ${videoId} not found`);
  return video;
}
