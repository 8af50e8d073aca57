import { ApiReference } from "@/components/docs/api-reference";

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
      <ApiReference />
    </div>
  );
}
