import { z } from "zod";

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1, "Give the key a name.").max(80, "Key names are at most 80 characters."),
});

export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

export const apiKeyIdParam = z.uuid("Not an API key id.");
