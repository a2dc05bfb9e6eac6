import { redirect } from "next/navigation";
import { ApiKeys } from "@/components/api-keys";
import { auth } from "@/lib/auth";
import { listApiKeys } from "@/lib/db/queries/api-keys";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  const keys = await listApiKeys({ userId: session.user.id });
  return (
    <div className="mx-auto w-full max-w-3xl min-w-0 overflow-y-auto p-4 sm:p-6">
      <h1 className="text-xl font-semibold">Settings</h1>
      <ApiKeys
        initialKeys={keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          createdAt: k.createdAt.toISOString(),
          lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
          revokedAt: k.revokedAt?.toISOString() ?? null,
        }))}
      />
    </div>
  );
}
