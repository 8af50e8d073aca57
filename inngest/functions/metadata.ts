import path from "node:path";
import { db } from "@/lib/db/client";
import { extractMetadata } from "@/lib/media/metadata";
import { metadataFileName } from "@/lib/processing/find-process-job";
import { percentReporter } from "@/lib/processing/report-percent";
import { jobMediaDir } from "@/lib/storage/layout";
import { writeFileAtomic } from "@/lib/storage/write-file";
import { jobFunction } from "./_job-function";

/**
 * metadata (contracts/enhance-metadata.md "Metadata Format"): ffprobe's facts plus colour
 * histograms over every frame in one streaming pass, written to `{file_id}_metadata.json`.
 */
export default jobFunction("metadata", "metadata", async ({ jobId, source, step }) => {
  const fileId = source.videoId ?? jobId;
  const fileName = metadataFileName(fileId);
  const summary = await step.run("extract", async () => {
    const reporter = percentReporter(await db(), jobId, "histograms", 0, 98);
    reporter.report(0);
    const metadata = await extractMetadata({ path: source.file, fileId, filename: source.name, onProgress: reporter.report });
    await writeFileAtomic(path.join(jobMediaDir(jobId), fileName), JSON.stringify(metadata, null, 2));
    await reporter.flush();
    return { frame_count: metadata.frame_count, fps: metadata.fps, sampled_frames: metadata.advanced.sampled_frames };
  });
  return { file_id: fileId, file_name: fileName, ...summary };
});
