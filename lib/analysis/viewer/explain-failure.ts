/**
 * A failed job's error in plain words for its page: what went wrong and what to do, from the
 * message the job stored (already cleaned of host paths by lib/public-message.ts). The stored
 * message is still shown beside it for whoever reports the problem.
 */
export type FailureExplanation = { title: string; advice: string };

const rules: { test: RegExp; title: string; advice: string }[] = [
  { test: /cancel/i, title: "The job was cancelled", advice: "Nothing was lost but this run; start the analysis again when you want it." },
  { test: /worker|inference|ECONNREFUSED|fetch failed|socket hang up/i, title: "The detector could not be reached", advice: "The inference worker was down or restarting. Try again in a minute; if it keeps failing, ask an admin to check the worker." },
  { test: /timed? ?out|longer than/i, title: "The job took too long", advice: "The video may be very long or the server busy. Try a shorter video or a lower frame rate." },
  { test: /no (video|picture)|no frame|not a video|invalid data|moov atom|could not (open|read|probe)|ffprobe/i, title: "The video could not be read", advice: "The file looks damaged or is not a video this server can decode. Re-export it as H.264 MP4 and upload it again." },
  { test: /ffmpeg|codec|encod|decod/i, title: "The video could not be processed", advice: "ffmpeg stopped on this file. Re-exporting it as H.264 MP4 usually helps." },
  { test: /not found|missing|gone/i, title: "The video is no longer there", advice: "Its file was removed or moved after the job started. Upload it again." },
  { test: /space|ENOSPC|quota/i, title: "The server ran out of room", advice: "Free some space (delete old analyses) or ask an admin." },
];

export function explainFailure(message: string | null): FailureExplanation {
  const text = message ?? "";
  const rule = rules.find((r) => r.test.test(text));
  if (rule) return { title: rule.title, advice: rule.advice };
  return { title: "The job failed", advice: "Try again; if it fails the same way, send the message below to an admin." };
}
