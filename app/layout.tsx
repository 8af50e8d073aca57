import type { Metadata } from "next";
import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { signOutAction } from "@/app/actions";
import "./globals.css";

export const metadata: Metadata = {
  title: "Framewise",
  description: "Self-hosted video analysis: detection, tracking, events, clips.",
  icons: { icon: [{ url: "/favicon.svg", type: "image/svg+xml" }, { url: "/favicon.ico", sizes: "32x32" }] },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
              <span className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-brand-500 to-indigo-600" aria-hidden />
              Framewise
            </Link>
            <div className="flex items-center gap-4 text-sm text-slate-600">
              <Link href="/analyses/new" className="hover:text-slate-900">Analyse</Link>
              <Link href="/analyses" className="hover:text-slate-900">Analyses</Link>
              <Link href="/enhancement" className="hover:text-slate-900">Enhance</Link>
            </div>
            {user && (
              <div className="flex items-center gap-4 text-sm text-slate-600">
                <Link href="/keys" className="hover:text-slate-900">API keys</Link>
                {user.role === "admin" && <Link href="/admin" className="hover:text-slate-900">Admin</Link>}
              </div>
            )}
            <div className="ml-auto flex items-center gap-3 text-sm">
              {user ? (
                <>
                  <span className="text-slate-500" data-testid="signed-in-as">{user.email}</span>
                  <form action={signOutAction}>
                    <button className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">Sign out</button>
                  </form>
                </>
              ) : (
                <>
                  <Link href="/sign-in" className="text-slate-600 hover:text-slate-900">Sign in</Link>
                  <Link href="/sign-up" className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">Create account</Link>
                </>
              )}
            </div>
          </nav>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-10">{children}</main>
      </body>
    </html>
  );
}
