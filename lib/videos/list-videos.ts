import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { videos } from "@/lib/db/schema";

/** A video's state is its latest job's, in the words contracts/reframer.md uses. */
export const videoStatuses = ["pending", "processing", "completed", "failed"] as const;
export type VideoStatus = (typeof videoStatuses)[number];

const latestJobStatus = sql<string | null>`(
  select j.status from jobs j where j.video_id = ${videos.id} order by j.created_at desc limit 1
)`;
const latestCompletedAt = sql<Date | string | null>`(
  select max(j.completed_at) from jobs j where j.video_id = ${videos.id} and j.status = 'completed'
)`;
const videoStatus = sql<VideoStatus>`case
  when ${latestJobStatus} = 'completed' then 'completed'
  when ${latestJobStatus} in ('failed', 'cancelled') then 'failed'
  when ${latestJobStatus} = 'in_progress' then 'processing'
  else 'pending' end`;

export type VideoListItem = {
  id: string;
  filename: string;
  status: VideoStatus;
  durationSeconds: number | null;
  processedAt: Date | null;
  createdAt: Date;
};

export async function listVideos(
  db: Db,
  options: { ownerId: string; status?: VideoStatus; limit: number; offset: number },
): Promise<{ total: number; items: VideoListItem[] }> {
  const filters: SQL[] = [eq(videos.ownerId, options.ownerId)];
  if (options.status) filters.push(sql`${videoStatus} = ${options.status}`);
  const where = and(...filters);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(videos).where(where);
  const rows = await db
    .select({
      id: videos.id,
      filename: videos.filename,
      status: videoStatus,
      durationSeconds: videos.durationSeconds,
      processedAt: latestCompletedAt,
      createdAt: videos.createdAt,
    })
    .from(videos)
    .where(where)
    .orderBy(desc(videos.createdAt))
    .limit(options.limit)
    .offset(options.offset);
  return {
    total: Number(total),
    items: rows.map((row) => ({ ...row, processedAt: row.processedAt ? new Date(row.processedAt) : null })),
  };
}
