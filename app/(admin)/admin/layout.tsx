import { AdminNav } from "@/components/admin/admin-nav";
import { requireAdminPage } from "../require-admin-page";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await requireAdminPage();
  return (
    <div className="flex h-full flex-col">
      <AdminNav email={admin.email} />
      <main className="flex-1 space-y-8 overflow-y-auto p-6">{children}</main>
    </div>
  );
}
