import Link from "next/link";
import { ApiReference } from "@/components/docs/api-reference";
import { referencePages } from "./reference-pages";

export const metadata = { title: "API docs · Framewise" };

export default function DocsPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every HTTP endpoint this server answers, from its own schemas. The raw document is at{" "}
          <a href="/openapi.json" className="font-medium text-brand-700 underline">/openapi.json</a> (OpenAPI 3.1).
        </p>
      </div>
      <section aria-labelledby="reference-pages">
        <h2 id="reference-pages" className="text-lg font-semibold tracking-tight">Reference pages</h2>
        <p className="mt-1 text-sm text-slate-600">What each contract does beyond its fields: steps, options, measured figures and known limits.</p>
        <ul className="mt-2 space-y-1 text-sm" data-testid="reference-pages">
          {referencePages.map(({ slug, title, summary }) => (
            <li key={slug}>
              <Link href={`/docs/${slug}`} className="font-medium text-brand-700 underline">{title}</Link>
              <span className="text-slate-600">: {summary}</span>
            </li>
          ))}
        </ul>
      </section>
      <ApiReference />
    </div>
  );
}
