import Link from "next/link";

/** The admin console's own sections; each page checks the admin itself (./require-admin.ts). */
const sections = [
  { href: "/admin", label: "Jobs" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/system", label: "System" },
  { href: "/admin/features", label: "Feature review" },
];

export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <nav aria-label="Admin sections" className="flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm">
        {sections.map((section) => (
          <Link key={section.href} href={section.href} className="rounded-md px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100">
            {section.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
