import { requireSignedIn } from "@/app/require-signed-in";
import { TranscribeForm } from "@/components/editor/transcribe-form";

export const metadata = { title: "Transcribe & edit · Framewise" };

/** Upload a video to transcribe; its transcript page is the editor. */
export default async function NewTranscriptPage() {
  await requireSignedIn("/transcripts/new");
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Transcribe & edit</h1>
        <p className="mt-1 text-sm text-slate-600">
          Framewise writes down what is said, word by word. Then click words to hear them, cut a clip from a phrase, make a captioned video in any shape, and export
          subtitles.
        </p>
      </div>
      <TranscribeForm />
    </div>
  );
}
