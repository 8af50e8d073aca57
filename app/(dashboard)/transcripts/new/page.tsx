import { TranscribeForm } from "@/components/editor/transcribe-form";
import { FormPage } from "../../form-page";

export const metadata = { title: "Transcribe & edit · Framewise" };

/** Upload a video to transcribe; its transcript page is the editor. */
export default function NewTranscriptPage() {
  return (
    <FormPage
      path="/transcripts/new"
      title="Transcribe & edit"
      intro="Framewise writes down what is said, word by word. Then click words to hear them, cut a clip from a phrase, make a captioned video in any shape, and export subtitles."
    >
      <TranscribeForm />
    </FormPage>
  );
}
