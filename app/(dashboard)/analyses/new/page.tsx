import Link from "next/link";
import { ServerVideoPicker, UploadForm } from "@/components/analysis/upload-form";
import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata = { title: "Analyse a video · Framewise" };
// The server-video panel depends on the running server's configuration, not the build's.
export const dynamic = "force-dynamic";

export default async function NewAnalysisPage() {
  // Offered only where the server has a video folder; an admin is told how to add one.
  const serverVideos = Boolean(env().VIDEO_INPUT_DIR);
  const admin = !serverVideos && (await currentUser())?.role === "admin";
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Analyse a video</h1>
          <p className="mt-1 text-sm text-slate-500">
            People, phones, food and drink, who came and went: each moment with a snapshot and a clip.
          </p>
        </div>
        <Link href="/analyses" className="text-sm text-brand-600 hover:underline">All analyses →</Link>
      </div>
      <div className={serverVideos || admin ? "grid gap-6 lg:grid-cols-[3fr_2fr]" : "max-w-3xl"}>
        <UploadForm />
        {serverVideos && <ServerVideoPicker />}
        {admin && (
          <aside className="space-y-2 rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600" data-testid="server-videos-note">
            <h2 className="text-base font-medium text-slate-900">Videos already on the server</h2>
            <p>
              Users can also analyse videos that are already on this machine, without uploading them. To offer that, set{" "}
              <code className="rounded bg-slate-100 px-1">VIDEO_INPUT_DIR</code> to a folder of MP4, MOV, MKV or AVI files in the server&apos;s
              environment and restart it.
            </p>
            <p className="text-slate-500">Only admins see this note.</p>
          </aside>
        )}
      </div>
    </div>
  );
}
