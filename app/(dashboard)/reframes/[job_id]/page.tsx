import { ReframeResults } from "@/components/reframer/reframe-results";

export const metadata = { title: "Reframe · Framewise" };

/** The results of one reframer job (POST /process) for its signed-in owner. */
export default async function ReframePage({ params }: { params: Promise<{ job_id: string }> }) {
  const { job_id } = await params;
  return <ReframeResults jobId={job_id} />;
}
