import { ReframeForm } from "@/components/reframer/reframe-form";
import { requireSignedIn } from "@/app/require-signed-in";

export const metadata = { title: "Reframe a video · Framewise" };

/** Upload a video to reframe (POST /api/reframes); the results page follows the job. */
export default async function NewReframePage() {
  await requireSignedIn("/reframes/new");
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Reframe a video</h1>
        <p className="mt-1 text-sm text-slate-600">
          Framewise follows the people and things in your video and cuts it to a new shape. The results show what it tracked and masked, each scene, and the
          reframed video beside the source.
        </p>
      </div>
      <ReframeForm />
    </div>
  );
}
