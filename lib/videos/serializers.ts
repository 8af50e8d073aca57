import type { VideoListItem } from "./list-videos";

/** contracts/reframer.md §6 wire shape. */
export function toReframerVideoList(list: { total: number; items: VideoListItem[] }) {
  return {
    total: list.total,
    videos: list.items.map((video) => ({
      id: video.id,
      filename: video.filename,
      status: video.status,
      duration_seconds: video.durationSeconds,
      processed_at: video.processedAt?.toISOString() ?? null,
      created_at: video.createdAt.toISOString(),
    })),
  };
}
