import { Chat } from "@/components/chat";
import { listEnabledModels } from "@/lib/db/queries/models";

export const dynamic = "force-dynamic";

export default async function NewChatPage() {
  const models = await listEnabledModels();
  return <Chat key="new" initialMessages={[]} models={models.map((m) => ({ id: m.id, displayName: m.displayName }))} />;
}
