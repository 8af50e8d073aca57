import { redirect } from "next/navigation";
import { FeatureReview } from "@/components/features/feature-review";
import { currentUser } from "@/lib/auth/session";
import { AdminsOnly } from "../admins-only";

export const metadata = { title: "Feature review · Framewise" };

/** One feature job's images and frames with their features drawn, filters, failures and search. */
export default async function FeatureReviewPage({ params }: { params: Promise<{ job_id: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (user.role !== "admin") return <AdminsOnly />;
  const { job_id } = await params;
  return <FeatureReview jobId={job_id} />;
}
