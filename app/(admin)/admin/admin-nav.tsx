"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const sections = [
  { href: "/admin", label: "Jobs" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/system", label: "System" },
  { href: "/admin/features", label: "Feature review" },
];

/** The admin console's sections, the current one marked (aria-current) for eyes and screen readers. */
export function AdminNav() {
  const pathname = usePathname();
  const current = (href: string) => (href === "/admin" ? pathname === "/admin" || pathname.startsWith("/admin/jobs") : pathname.startsWith(href));
  return (
    <nav aria-label="Admin sections" className="flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm">
      {sections.map((section) => (
        <Link
          key={section.href}
          href={section.href}
          aria-current={current(section.href) ? "page" : undefined}
          className="rounded-md px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white"
        >
          {section.label}
        </Link>
      ))}
    </nav>
  );
}
