import { redirect } from "next/navigation";
import { AccountSettings } from "@/components/account-settings";
import { ApiKeys } from "@/components/api-keys";
import { auth } from "@/lib/auth";
import { listApiKeys } from "@/lib/db/queries/api-keys";
import { getPasswordHash } from "@/lib/db/queries/users";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  const [keys, account] = await Promise.all([listApiKeys({ userId: session.user.id }), getPasswordHash({ id: session.user.id })]);
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
      <AccountSettings email={session.user.email ?? ""} hasPassword={Boolean(account?.passwordHash)} />
    </div>
  );
}
