import Link from "next/link";
import { ServerVideoPicker, UploadForm } from "@/components/analysis/upload-form";

export const metadata = { title: "Analyse a video · Framewise" };

export default function NewAnalysisPage() {
  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Analyse a video</h1>
          <p className="mt-1 text-sm text-slate-500">
            People, phones, food and drink, who came and went: each moment with a snapshot and a clip.
          </p>
        </div>
        <Link href="/analyses" className="text-sm text-brand-600 hover:underline">All analyses →</Link>
      </div>
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <UploadForm />
        <ServerVideoPicker />
      </div>
    </div>
  );
}
