import Link from "next/link";
import { currentUser } from "@/lib/auth/session";

const capabilities = [
  ["Detect & track", "80 COCO classes, ByteTrack identities across the whole video."],
  ["Events with evidence", "Rules over tracks, each event with a snapshot and a playable clip."],
  ["Your scene, your rules", "Choose what is tracked and which moments count: person present, phone use, eating or drinking, people entering or leaving."],
  ["Your box or a GPU fleet", "Embedded by default; Postgres, Inngest and CUDA workers at scale."],
];

export default async function HomePage() {
  const user = await currentUser();
  return (
    <div className="space-y-10">
      <section className="rounded-2xl bg-gradient-to-br from-slate-900 to-indigo-900 px-5 py-10 text-white shadow-lg sm:px-8 sm:py-12">
        <h1 className="text-3xl font-semibold tracking-tight">See what is in your videos.</h1>
        <p className="mt-3 max-w-2xl text-slate-300">
          Framewise runs real detection, tracking and event models over your footage on your own hardware,
          and serves the results in the browser and through documented HTTP APIs.
        </p>
        {/* Buttons wrap as whole buttons (never their words) on a phone. */}
        <div className="mt-6 flex flex-wrap gap-3" data-testid="hero-actions">
          <Link href="/analyses/new" className="whitespace-nowrap rounded-md bg-white px-4 py-2 font-medium text-slate-900">Analyse a video</Link>
          {user ? (
            <Link href="/keys" className="whitespace-nowrap rounded-md border border-white/40 px-4 py-2 font-medium">Manage API keys</Link>
          ) : (
            <>
              <Link href="/sign-up" className="whitespace-nowrap rounded-md border border-white/40 px-4 py-2 font-medium">Create an account</Link>
              <Link href="/sign-in" className="whitespace-nowrap rounded-md border border-white/40 px-4 py-2 font-medium">Sign in</Link>
            </>
          )}
        </div>
      </section>
      <section className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {capabilities.map(([title, text]) => (
          <div key={title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 className="font-medium">{title}</h2>
            <p className="mt-1 text-sm text-slate-500">{text}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
