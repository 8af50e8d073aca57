"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useId, useState } from "react";
import { signOutAction } from "@/app/actions";
import { signInHref } from "@/lib/auth/return-to";
import "./zod-without-eval";

type NavUser = { email: string; isAdmin: boolean } | null;
/** `also`: other pages the link stands for (New stands for every form that starts work). */
type NavLink = { href: string; label: string; also?: (pathname: string) => boolean };

/** The pages that start work, all reached from New (app/(dashboard)/new). */
const startsWork = (pathname: string) => /^\/[a-z]+\/new$/.test(pathname) || pathname === "/enhancement";

/** A link is current on its own page and, for sections, on the pages under it (/analyses/123 marks Analyses). */
function isCurrent(pathname: string, href: string, links: NavLink[]): boolean {
  if (pathname === href) return true;
  const link = links.find((candidate) => candidate.href === href);
  if (link?.also?.(pathname)) return true;
  if (links.some((other) => other.href !== href && other.also?.(pathname))) return false;
  if (!pathname.startsWith(`${href}/`)) return false;
  // A section whose page has a link of its own under it does not also mark that page.
  return !links.some((other) => other.href !== href && other.href.startsWith(`${href}/`) && (pathname === other.href || pathname.startsWith(`${other.href}/`)));
}

/**
 * The site's navigation: a row of links from the md breakpoint up, a disclosure button with a
 * panel below it on phones. The current page's link carries aria-current="page".
 */
export function SiteNav({ user }: { user: NavUser }) {
  const pathname = usePathname();
  // The page the panel was opened on: a followed link closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const panelId = useId();

  const links: NavLink[] = [
    { href: "/new", label: "New", also: startsWork },
    { href: "/analyses", label: "Analyses" },
    ...(user ? [{ href: "/review", label: "Review" }, { href: "/search", label: "Search" }] : []),
    ...(user ? [{ href: "/keys", label: "API keys" }] : []),
    ...(user?.isAdmin ? [{ href: "/admin", label: "Admin" }] : []),
    { href: "/docs", label: "API docs" },
  ];
  const linkClass = (current: boolean) =>
    `block rounded-md px-3 py-2 md:px-2 md:py-1 ${current ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"}`;

  return (
    <nav aria-label="Main" className="mx-auto max-w-6xl px-4 py-3 sm:px-6">
      <div className="flex items-center gap-4">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" aria-current={pathname === "/" ? "page" : undefined}>
          <span className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-brand-500 to-indigo-600" aria-hidden />
          Framewise
        </Link>
        <button
          type="button"
          className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 md:hidden"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpenOn(open ? null : pathname)}
          data-testid="nav-toggle"
        >
          <span aria-hidden className="mr-1.5">{open ? "✕" : "☰"}</span>
          Menu
        </button>
        <div id={panelId} className={`${open ? "flex" : "hidden"} absolute inset-x-0 top-[3.75rem] z-30 flex-col gap-3 border-b border-slate-200 bg-white px-4 pb-4 shadow-md md:static md:flex md:flex-1 md:flex-row md:items-center md:gap-4 md:border-0 md:p-0 md:shadow-none`}>
          <ul className="flex flex-col gap-1 text-sm md:flex-row md:items-center md:gap-2">
            {links.map(({ href, label }) => {
              const current = isCurrent(pathname, href, links);
              return (
                <li key={href}>
                  <Link href={href} className={linkClass(current)} aria-current={current ? "page" : undefined}>{label}</Link>
                </li>
              );
            })}
          </ul>
          <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-3 text-sm md:ml-auto md:border-0 md:pt-0">
            {user ? (
              <>
                <span className="max-w-full truncate text-slate-600 md:max-w-[16rem]" data-testid="signed-in-as">{user.email}</span>
                <form action={signOutAction}>
                  <button className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">Sign out</button>
                </form>
              </>
            ) : (
              <>
                <Link href={signInHref(pathname)} className={linkClass(pathname === "/sign-in")} aria-current={pathname === "/sign-in" ? "page" : undefined}>Sign in</Link>
                <Link href="/sign-up" className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700" aria-current={pathname === "/sign-up" ? "page" : undefined}>Create account</Link>
              </>
            )}
          </div>
        </div>
      </div>
    </nav>
  );
}
