import { ReframeForm } from "@/components/reframer/reframe-form";
import { FormPage } from "../../form-page";

export const metadata = { title: "Reframe a video · Framewise" };

/** Upload a video to reframe (POST /api/reframes); the results page follows the job. */
export default function NewReframePage() {
  return (
    <FormPage
      path="/reframes/new"
      title="Reframe a video"
      intro="Framewise follows the people and things in your video and cuts it to a new shape. The results show what it tracked and masked, each scene, and the reframed video beside the source."
    >
      <ReframeForm />
    </FormPage>
  );
}
