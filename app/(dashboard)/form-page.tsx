import type { ReactNode } from "react";
import { requireSignedIn } from "@/app/require-signed-in";

/** A page that starts work for a signed-in user (reached from New): its title, what it does, its form. */
export async function FormPage({ path, title, intro, children }: { path: string; title: string; intro: ReactNode; children: ReactNode }) {
  await requireSignedIn(path);
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mt-1 text-sm text-slate-600">{intro}</p>
      </div>
      {children}
    </div>
  );
}
