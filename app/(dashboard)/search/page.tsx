import { redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { callerFor, listJobs } from "@/lib/jobs";
import { ImageSearch, type SearchableJob } from "@/components/search/image-search";
import { formatDateTime } from "@/lib/format";
import type { Job } from "@/lib/db/schema";
import { HitCard } from "@/components/search/hit-card";
import type { SearchHit } from "@/lib/search/hits";
import { searchByWords, wordSources, type WordSource } from "@/lib/search/search-everything";

export const metadata = { title: "Search · Framewise" };

type Search = { q?: string | string[]; kind?: string | string[] };

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

const kindNames: Record<WordSource | "everything", string> = { everything: "Everything", objects: "Objects", words: "Words spoken", text: "Text seen" };
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
  const database = await db();
  const [hits, featureJobs] = await Promise.all([
    query ? searchByWords(database, callerFor(user), kind, query) : Promise.resolve([]),
    listJobs(database, callerFor(user), { kind: "extract_features", status: "completed", limit: 50 }),
  ]);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Search</h1>
        <p className="mt-1 text-sm text-slate-600">
          Find moments in {user.role === "admin" ? "every analysis and transcript on this server" : "your analyses and transcripts"}: objects by class, words spoken, text seen on
          screen. Or find a product in your videos by its picture.
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
      <section className="space-y-3 border-t border-slate-200 pt-6" aria-labelledby="by-picture">
        <h2 id="by-picture" className="text-lg font-medium">
          Search by picture
        </h2>
        <ImageSearch jobs={featureJobs.map(searchableJob)} />
      </section>
    </div>
  );
}

/** A feature extraction as the picture search offers it: its products' names and when it ran. */
function searchableJob(job: Job): SearchableJob {
  const products = Array.isArray(job.payload.products) ? (job.payload.products as { product_id?: unknown; title?: unknown }[]) : [];
  const names = products.map((product) => String(product.title ?? product.product_id)).slice(0, 3);
  const videos = Array.isArray(job.payload.videos) ? job.payload.videos.length : 0;
  const what = [names.length ? names.join(", ") + (products.length > 3 ? "…" : "") : null, `${videos} ${videos === 1 ? "video" : "videos"}`].filter(Boolean).join(" · ");
  return { id: job.id, label: `${what} (${formatDateTime(job.createdAt)})` };
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
