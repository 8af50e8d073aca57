import { AdminNav } from "./admin-nav";

/** The admin console's frame; each page checks the admin itself (./require-admin.ts). */
export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <AdminNav />
      {children}
    </div>
  );
}
