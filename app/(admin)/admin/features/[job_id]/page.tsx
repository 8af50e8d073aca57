import { FeatureReview } from "@/components/features/feature-review";
import { requireAdmin } from "../../require-admin";

export const metadata = { title: "Feature review · Framewise" };

/** One feature job's images and frames with their features drawn, filters, failures and search. */
export default async function FeatureReviewPage({ params }: { params: Promise<{ job_id: string }> }) {
  const { job_id } = await params;
  await requireAdmin(`/admin/features/${encodeURIComponent(job_id)}`);
  return <FeatureReview jobId={job_id} />;
}
