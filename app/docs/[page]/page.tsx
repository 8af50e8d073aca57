// /docs/{page}: one reference page of docs/ as preformatted text (app/docs/reference-pages.ts);
// any other name is a 404.
import Link from "next/link";
import { notFound } from "next/navigation";
import { findReferencePage, referencePages } from "../reference-pages";

type Props = { params: Promise<{ page: string }> };

export const dynamicParams = false;

export function generateStaticParams() {
  return referencePages.map(({ slug }) => ({ page: slug }));
}

export async function generateMetadata({ params }: Props) {
  const page = findReferencePage((await params).page);
  return { title: `${page?.title ?? "Not found"} · Framewise` };
}

export default async function ReferencePageView({ params }: Props) {
  const page = findReferencePage((await params).page);
  if (!page) notFound();
  // The file's own "# Title" line is the page's heading.
  const text = (await page.read()).replace(/^# .*\n+/, "");
  return (
    <article className="space-y-4">
      <div>
        <p className="text-sm">
          <Link href="/docs" className="font-medium text-brand-700 underline">API docs</Link>
        </p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{page.title}</h1>
      </div>
      <pre
        className="whitespace-pre-wrap [overflow-wrap:anywhere] rounded-lg border border-slate-200 bg-white p-4 font-mono text-sm leading-relaxed text-slate-800"
        data-testid="reference-page"
      >
        {text}
      </pre>
    </article>
  );
}
