import { FeatureForm } from "@/components/features/feature-form";
import { FormPage } from "../../form-page";

export const metadata = { title: "Extract features · Framewise" };

/** Products and videos for a feature-extraction job; its review page follows it. */
export default function NewFeaturesPage() {
  return (
    <FormPage path="/features/new" title="Extract features" intro="Give pictures of products and the videos to look in. Then search the videos with any product picture.">
      <FeatureForm />
    </FormPage>
  );
}
