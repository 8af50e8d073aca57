import Link from "next/link";
import { matchParts, type HitSource, type SearchHit } from "@/lib/search/hits";
import { formatTime } from "@/components/analysis/format";

const sourceNames: Record<HitSource, string> = { objects: "Object", words: "Spoken", text: "On screen", image: "Looks like it" };

/** One hit: its picture, what matched with the matched words highlighted, the video and the moment; the whole card opens the player there. */
export function HitCard({ hit }: { hit: SearchHit }) {
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
          {sourceNames[hit.source]} · at {formatTime(hit.time)}
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
