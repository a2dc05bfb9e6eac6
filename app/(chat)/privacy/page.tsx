import { redirect } from "next/navigation";
import { PrivacyControls } from "@/components/privacy-controls";
import { auth } from "@/lib/auth";

export const dynamic = "force-dynamic";

export default async function PrivacyPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  return (
    <div className="mx-auto w-full max-w-3xl min-w-0 overflow-y-auto p-4 sm:p-6">
      <h1 className="text-xl font-semibold">Privacy</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Your chats, ratings and compare votes are stored so the router can learn which model suits you. Download a copy of them, or make the router forget your
        preferences.
      </p>
      <PrivacyControls />
    </div>
  );
}
