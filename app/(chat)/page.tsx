import { NewChat } from "@/components/new-chat";
import { listEnabledModels } from "@/lib/db/queries/models";
import { env } from "@/lib/env";
import { toModelOptions } from "./model-options";

export const dynamic = "force-dynamic";

export default async function NewChatPage() {
  const models = await listEnabledModels();
  return <NewChat models={toModelOptions(models)} maxChars={env.MAX_MESSAGE_CHARS} />;
}
