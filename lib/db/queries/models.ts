import "server-only";
import { prisma } from "@/lib/db/client";
import type { ModelConfig } from "@/lib/llm/models-config";

export const modelFields = {
  id: true,
  displayName: true,
  baseUrl: true,
  apiKeyEnv: true,
  providerModelId: true,
  description: true,
  examples: true,
  inputPricePerM: true,
  outputPricePerM: true,
  enabled: true,
} as const;

function readEnabledModels() {
  return prisma.llmModel.findMany({ where: { enabled: true }, orderBy: { id: "asc" }, select: modelFields });
}

export type LlmModelRow = Awaited<ReturnType<typeof readEnabledModels>>[number];

/** What listEnabledModels last returned in this process. */
let lastRead: readonly LlmModelRow[] | null = null;

export async function listEnabledModels(): Promise<LlmModelRow[]> {
  const models = await readEnabledModels();
  lastRead = models;
  return models;
}

/**
 * The enabled models as this process last read them, or null before its first read: a guess to start work
 * with while a fresh read is under way, never to decide on (an admin may have changed them since, on any instance).
 */
export function lastReadEnabledModels(): readonly LlmModelRow[] | null {
  return lastRead;
}

export function getEnabledModel({ id }: { id: string }) {
  return prisma.llmModel.findFirst({ where: { id, enabled: true }, select: modelFields });
}

/**
 * Inserts models from the config file. For models already stored, only the
 * deployment wiring (endpoint, key variable, provider id) follows the file;
 * what admins edit (name, description, prices, enabled) is kept.
 */
export async function seedModels({ models }: { models: readonly ModelConfig[] }) {
  for (const m of models) {
    const wiring = { baseUrl: m.baseUrl, apiKeyEnv: m.apiKeyEnv ?? null, providerModelId: m.providerModelId };
    await prisma.llmModel.upsert({ where: { id: m.id }, create: m, update: wiring });
  }
}
