export function AdminsOnly() {
  return (
    <div className="mx-auto mt-8 max-w-md rounded-2xl border border-red-200 bg-white p-8 text-center shadow-sm" data-testid="admin-refused">
      <h1 className="text-xl font-semibold">Admins only</h1>
      <p className="mt-2 text-sm text-slate-500">This page is for the administrators of this Framewise server.</p>
    </div>
  );
}
