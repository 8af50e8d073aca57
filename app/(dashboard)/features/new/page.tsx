import { requireSignedIn } from "@/app/require-signed-in";
import { FeatureForm } from "@/components/features/feature-form";

export const metadata = { title: "Extract features · Framewise" };

/** Products and videos for a feature-extraction job; its review page follows it. */
export default async function NewFeaturesPage() {
  await requireSignedIn("/features/new");
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Extract features</h1>
        <p className="mt-1 text-sm text-slate-600">Give pictures of products and the videos to look in. Then search the videos with any product picture.</p>
      </div>
      <FeatureForm />
    </div>
  );
}
