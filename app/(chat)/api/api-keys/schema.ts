import { z } from "zod";
import { text } from "@/lib/validation/text";

export const createApiKeyBody = z.object({
  name: text().trim().min(1, "Give the key a name.").max(80, "Key names are at most 80 characters."),
});

export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

export const apiKeyIdParam = z.uuid("Not an API key id.");
