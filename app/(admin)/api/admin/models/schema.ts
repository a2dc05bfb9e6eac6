import { z } from "zod";

const price = z.number().finite().min(0, "Price must not be negative.").max(10_000);

const modelFields = {
  displayName: z.string().trim().min(1).max(120),
  baseUrl: z.string().trim().min(1).max(500),
  apiKeyEnv: z.string().trim().regex(/^[A-Z_][A-Z0-9_]*$/, "apiKeyEnv must name an environment variable.").max(120).nullable().optional(),
  providerModelId: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(2_000),
  inputPricePerM: price,
  outputPricePerM: price,
  enabled: z.boolean(),
};

export const modelIdParam = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "Model id must be 1-64 lowercase letters, digits, dots, dashes or underscores.");

export const createModelBody = z.object({ id: modelIdParam, ...modelFields, enabled: modelFields.enabled.default(true) }).strict();

export const updateModelBody = z
  .object(modelFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "Send at least one field to change.");

export type CreateModelBody = z.infer<typeof createModelBody>;
export type UpdateModelBody = z.infer<typeof updateModelBody>;
