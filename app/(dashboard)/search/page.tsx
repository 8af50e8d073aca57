import Link from "next/link";
import { redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { callerFor } from "@/lib/jobs";
import { matchParts, type HitSource, type SearchHit } from "@/lib/search/hits";
import { searchByWords, wordSources, type WordSource } from "@/lib/search/search-everything";

export const metadata = { title: "Search · Framewise" };

type Search = { q?: string | string[]; kind?: string | string[] };

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

const kindNames: Record<WordSource | "everything", string> = { everything: "Everything", objects: "Objects", words: "Words spoken", text: "Text seen" };
const sourceNames: Record<HitSource, string> = { objects: "Object", words: "Spoken", text: "On screen", image: "Image" };

/** Seconds as m:ss.s, the way the players show a moment. */
function moment(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(1).padStart(4, "0")}`;
}

/**
 * Search across everything the signed-in user may list (an admin: everyone's): objects by
 * class, words spoken in transcripts, text read on screen. The words and the kind travel in
 * the address (a plain GET form), so a search can be reloaded and shared and works without
 * JavaScript. Each hit opens its player at the moment it matched. Signed out, it sends to
 * sign-in and back.
 */
export default async function SearchPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const user = await currentUser();
  const query = (one(search.q) ?? "").trim().slice(0, 200);
  const asked = one(search.kind);
  const kind = (["everything", ...wordSources] as const).find((k) => k === asked) ?? "everything";
  if (!user) redirect(signInHref(query ? `/search?${new URLSearchParams({ q: query, kind })}` : "/search"));
  const hits = query ? await searchByWords(await db(), callerFor(user), kind, query) : [];

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Search</h1>
        <p className="mt-1 text-sm text-slate-600">
          Find moments in {user.role === "admin" ? "every analysis and transcript on this server" : "your analyses and transcripts"}: objects by class, words spoken, text seen on
          screen.
        </p>
      </div>
      <form role="search" action="/search" method="get" className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 basis-64">
          <label htmlFor="search-q" className="block text-sm font-medium text-slate-700">
            Search for
          </label>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={query}
            required
            maxLength={200}
            placeholder="person, a spoken word, text on a sign"
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2"
          />
        </div>
        <div>
          <label htmlFor="search-kind" className="block text-sm font-medium text-slate-700">
            In
          </label>
          <select id="search-kind" name="kind" defaultValue={kind} className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2">
            {(["everything", ...wordSources] as const).map((k) => (
              <option key={k} value={k}>
                {kindNames[k]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Search
        </button>
      </form>
      {query ? <SearchResults hits={hits} query={query} /> : null}
    </div>
  );
}

/** The hits as cards, or a sentence saying there are none. */
function SearchResults({ hits, query }: { hits: SearchHit[]; query: string }) {
  if (hits.length === 0) return <p data-testid="search-empty">Nothing matches “{query}”.</p>;
  return (
    <section aria-label="Results">
      <p className="text-sm text-slate-600" data-testid="search-count">
        {hits.length} {hits.length === 1 ? "moment" : "moments"} found
      </p>
      <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {hits.map((hit) => (
          <li key={`${hit.source}-${hit.jobId}-${hit.time}-${hit.match}`}>
            <HitCard hit={hit} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One hit: its picture, what matched with the matched words highlighted, the video and the moment; the whole card opens the player there. */
function HitCard({ hit }: { hit: SearchHit }) {
  return (
    <Link href={hit.href} className="block h-full overflow-hidden rounded-lg border border-slate-200 bg-white hover:border-brand-500" data-testid="search-hit">
      {hit.thumbnail ? (
        // eslint-disable-next-line @next/next/no-img-element -- a job file behind the session, not a static asset
        <img src={hit.thumbnail} alt="" loading="lazy" className="aspect-video w-full bg-slate-900 object-cover" />
      ) : (
        <div className="flex aspect-video w-full items-center justify-center bg-slate-100 text-sm text-slate-600">Speech</div>
      )}
      <div className="space-y-1 p-3">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-600">
          {sourceNames[hit.source]} · at {moment(hit.time)}
        </p>
        <p className="break-words" data-testid="search-hit-match">
          {matchParts(hit.match).map((part, index) =>
            part.marked ? (
              <mark key={index} className="rounded bg-amber-100 px-0.5 text-slate-900">
                {part.text}
              </mark>
            ) : (
              <span key={index}>{part.text}</span>
            ),
          )}
        </p>
        <p className="truncate text-sm text-slate-600">{hit.title}</p>
      </div>
    </Link>
  );
}
