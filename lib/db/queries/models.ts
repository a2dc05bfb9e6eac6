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

export function listEnabledModels() {
  return prisma.llmModel.findMany({ where: { enabled: true }, orderBy: { id: "asc" }, select: modelFields });
}

export type LlmModelRow = Awaited<ReturnType<typeof listEnabledModels>>[number];

/** The enabled models a turn of this process last read, and the catalog version they are current for. */
let cached: { catalog: string; models: readonly LlmModelRow[] } | null = null;

/**
 * The enabled models as of the catalog version `catalog` (a turn's readRoutingStamps): the list this process read
 * for an earlier turn while the catalog has not moved since, else a fresh read. Each list is read after its version,
 * so it is never older than the version it is kept under; a change committed in between moves the version again,
 * and the next turn reads anew.
 */
export async function enabledModelsAt(catalog: string): Promise<readonly LlmModelRow[]> {
  if (cached?.catalog === catalog) return cached.models;
  const models = await listEnabledModels();
  cached = { catalog, models };
  return models;
}

/**
 * The enabled models a turn of this process last read, or null before the first: a guess to start work with while
 * the turn learns whether the catalog moved, never to decide on (an admin may have changed it since, on any instance).
 */
export function lastReadEnabledModels(): readonly LlmModelRow[] | null {
  return cached?.models ?? null;
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
