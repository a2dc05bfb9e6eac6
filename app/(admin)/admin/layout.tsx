import { AdminNav } from "@/components/admin/admin-nav";
import { requireAdminPage } from "../require-admin-page";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await requireAdminPage();
  return (
    <div className="flex h-full flex-col">
      <AdminNav email={admin.email} />
      <main className="min-w-0 flex-1 space-y-8 overflow-x-hidden overflow-y-auto p-3 sm:p-6">{children}</main>
    </div>
  );
}
