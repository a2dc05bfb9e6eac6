import "server-only";
import { listEnabledModels } from "@/lib/db/queries/models";
import { AUTO_MODEL } from "./chat-completions";

/** OpenAI's model list: "auto" (the router) first, then every enabled model by id. */
export async function listApiModels() {
  const models = await listEnabledModels();
  // OpenAI reports a creation time per model; ours are not versioned, so every entry carries the list's time.
  const created = Math.floor(Date.now() / 1000);
  return {
    object: "list" as const,
    data: [AUTO_MODEL, ...models.map((m) => m.id)].map((id) => ({ id, object: "model" as const, created, owned_by: "switchboard" })),
  };
}
