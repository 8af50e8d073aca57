import { EnhanceStudio } from "@/components/enhancement/enhance-studio";

export const metadata = { title: "Enhance a video · Framewise" };

// contracts/enhance-metadata.md in the browser: POST /upload, /ws/{client_id}, both results.
export default function EnhancementPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Enhance a video</h1>
        <p className="mt-1 text-sm text-slate-500">
          Upload a video: it is measured and cleaned up (denoise, sharpen, levels, deinterlace, stabilise as needed) while its metadata
          and colour histograms are extracted, both live.
        </p>
      </div>
      <EnhanceStudio />
    </div>
  );
}
