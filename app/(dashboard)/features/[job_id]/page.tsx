import { notFound } from "next/navigation";
import { requireSignedIn } from "@/app/require-signed-in";
import { FeatureJob } from "@/components/features/feature-job";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getFeatureJobOrThrow } from "@/lib/features/queries";
import { callerFor } from "@/lib/jobs";

export const metadata = { title: "Features · Framewise" };

type Search = { frame?: string | string[]; t?: string | string[] };

/**
 * A feature-extraction job for its owner (or an admin): progress, then the review and the
 * search by picture. `?frame=<frame_id>&t=<seconds>` (a hit of /search by picture) opens it at
 * that frame. A job the user may not see is not found.
 */
export default async function FeaturesPage({ params, searchParams }: { params: Promise<{ job_id: string }>; searchParams: Promise<Search> }) {
  const [{ job_id: jobId }, search] = await Promise.all([params, searchParams]);
  const frame = typeof search.frame === "string" ? search.frame.slice(0, 200) : null;
  const seconds = typeof search.t === "string" ? Number(search.t) : NaN;
  const user = await requireSignedIn(`/features/${encodeURIComponent(jobId)}${frame ? `?${new URLSearchParams({ frame, t: String(search.t ?? "") })}` : ""}`);
  await getFeatureJobOrThrow(await db(), callerFor(user), jobId).catch((error: unknown) => {
    if (error instanceof AppError && error.kind === "not_found") notFound();
    throw error;
  });
  return <FeatureJob jobId={jobId} focus={frame ? { frameId: frame, time: Number.isFinite(seconds) ? seconds : null } : null} />;
}
