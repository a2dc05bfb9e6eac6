import { z } from "zod";
import { apiKeyEnvSchema, baseUrlSchema } from "@/lib/llm/endpoint-rules";
import { text } from "@/lib/validation/text";

const price = z.number().finite().min(0, "Price must not be negative.").max(10_000);

const modelFields = {
  displayName: text().trim().min(1).max(120),
  baseUrl: text().pipe(baseUrlSchema),
  apiKeyEnv: apiKeyEnvSchema.nullable().optional(),
  providerModelId: text().trim().min(1).max(200),
  description: text().trim().min(1).max(2_000),
  examples: z.array(text().trim().min(3, "Each example request needs at least 3 characters.").max(500)).max(20, "At most 20 example requests."),
  inputPricePerM: price,
  outputPricePerM: price,
  enabled: z.boolean(),
};

export const modelIdParam = text().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "Model id must be 1-64 lowercase letters, digits, dots, dashes or underscores.");

export const createModelBody = z
  .object({ id: modelIdParam, ...modelFields, examples: modelFields.examples.default([]), enabled: modelFields.enabled.default(true) })
  .strict();

export const updateModelBody = z
  .object(modelFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "Send at least one field to change.");

export type CreateModelBody = z.infer<typeof createModelBody>;
export type UpdateModelBody = z.infer<typeof updateModelBody>;
