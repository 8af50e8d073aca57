import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import type { JobKind } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format";
import { callerFor, listJobs } from "@/lib/jobs";

export const metadata = { title: "Start something new · Framewise" };

/** What a person can start, each with the page that starts it. `account`: the page needs one. */
const choices = [
  { href: "/analyses/new", title: "Analyse", text: "Find people, phones, food and drink in a video, with a snapshot and a clip of each moment.", account: false },
  { href: "/reframes/new", title: "Reframe", text: "Follow what matters in a video and cut it to a tall, square or wide frame. Shows what was tracked, masked and each scene.", account: true },
  { href: "/features/new", title: "Extract features", text: "Give product pictures and videos, by upload or web address, then find where each product appears.", account: true },
  { href: "/transcripts/new", title: "Transcribe & edit", text: "Turn speech into text, click a word to hear it, cut a clip from a phrase, make a captioned video and export subtitles.", account: true },
  { href: "/enhancement", title: "Enhance", text: "Clean up a video (noise, sharpness, levels) and compare before and after, with its details and colours.", account: false },
] as const;

/** Where each kind of job is opened, and its name in words. */
const opened: Partial<Record<JobKind, { name: string; href: (id: string) => string }>> = {
  reframe: { name: "Reframe", href: (id) => `/reframes/${id}` },
  extract_features: { name: "Features", href: (id) => `/features/${id}` },
  transcribe: { name: "Transcript", href: (id) => `/transcripts/${id}` },
};

/**
 * The one place work starts (issue 25 item 1): the five things Framewise does, each a card
 * opening its form; and, signed in, the latest reframes, feature extractions and transcripts,
 * which have no list of their own (analyses have /analyses).
 */
export default async function NewPage() {
  const user = await currentUser();
  const database = await db();
  const recent = user
    ? (await Promise.all((Object.keys(opened) as JobKind[]).map((kind) => listJobs(database, callerFor(user), { kind, limit: 10 }))))
        .flat()
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, 12)
    : [];
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Start something new</h1>
        <p className="mt-1 text-sm text-slate-600">Choose what to do with your video.</p>
      </div>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="new-choices">
        {choices.map((choice) => (
          <li key={choice.href}>
            <Link href={choice.href} className="block h-full rounded-xl border border-slate-200 bg-white p-5 shadow-sm hover:border-brand-500" data-testid="new-choice">
              <h2 className="font-medium text-brand-700">{choice.title}</h2>
              <p className="mt-1 text-sm text-slate-600">{choice.text}</p>
              {choice.account && !user && <p className="mt-2 text-xs text-slate-600">Needs an account: you will be asked to sign in.</p>}
            </Link>
          </li>
        ))}
      </ul>
      {recent.length > 0 && (
        <section className="space-y-2" data-testid="recent-work">
          <h2 className="font-medium">Your recent work</h2>
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
            {recent.map((job) => {
              const kind = opened[job.kind]!;
              const payload = (job.payload ?? {}) as { filename?: unknown; video_name?: unknown };
              const name = typeof payload.filename === "string" ? payload.filename : typeof payload.video_name === "string" ? payload.video_name : null;
              return (
                <li key={job.id}>
                  <Link href={kind.href(job.id)} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5 hover:bg-slate-50">
                    <span className="font-medium">{kind.name}</span>
                    <span className="min-w-0 flex-1 truncate text-slate-600">{name ?? formatDateTime(job.createdAt)}</span>
                    <span className="text-slate-600">{job.status}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
