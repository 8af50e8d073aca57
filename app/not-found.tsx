import Link from "next/link";

/** The page a browser gets for a path nothing serves; API clients get `{"detail": "Not Found"}`. */
export default function NotFound() {
  return (
    <section className="mx-auto max-w-xl rounded-2xl border border-slate-200 bg-white px-6 py-12 sm:px-8 text-center shadow-sm" data-testid="not-found">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-3 text-slate-600">There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        <Link href="/" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">Home</Link>
        <Link href="/analyses" className="rounded-md border border-slate-300 px-4 py-2 font-medium text-slate-700 hover:bg-slate-100">Your analyses</Link>
      </div>
    </section>
  );
}
