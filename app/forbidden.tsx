import Link from "next/link";

/** What forbidden() renders, with a 403: a signed-in person opened a page that is not theirs (the admin console). */
export default function Forbidden() {
  return (
    <section className="mx-auto max-w-xl rounded-2xl border border-slate-200 bg-white px-6 py-12 text-center shadow-sm sm:px-8" data-testid="forbidden">
      <p className="text-sm font-semibold uppercase tracking-wide text-red-700">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Not allowed</h1>
      <p className="mt-3 text-slate-600">This page is for the administrators of this Framewise server. Your account can not open it.</p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        <Link href="/" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">Home</Link>
        <Link href="/analyses" className="rounded-md border border-slate-300 px-4 py-2 font-medium text-slate-700 hover:bg-slate-100">Your analyses</Link>
      </div>
    </section>
  );
}
