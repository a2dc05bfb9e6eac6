import "server-only";
import { listEnabledModels, type LlmModelRow } from "@/lib/db/queries/models";
import type { DecisionRecord } from "@/lib/db/queries/turns";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { loadModelsFile } from "@/lib/llm/models-config";

export type TurnRoute = { model: LlmModelRow; decision: DecisionRecord };

let configuredDefault: string | undefined;
function defaultModelId(): string {
  configuredDefault ??= env.DEFAULT_MODEL ?? loadModelsFile(env.MODELS_FILE).defaultModel;
  return configuredDefault;
}

/**
 * Picks the model for one user turn. The one place chat asks "which model?":
 * a user's explicit pick wins; otherwise the configured default answers.
 */
export async function routeTurn({ overrideModelId }: { userId: string; chatSessionId: string; queryText: string; overrideModelId?: string }): Promise<TurnRoute> {
  const started = performance.now();
  const models = await listEnabledModels();
  if (models.length === 0) throw new AppError("unavailable:model", "No language model is enabled. Ask an administrator to enable one.");
  let model: LlmModelRow | undefined;
  if (overrideModelId) {
    model = models.find((m) => m.id === overrideModelId);
    if (!model) throw new AppError("bad_request:model", `Model "${overrideModelId}" is not available.`);
  } else {
    model = models.find((m) => m.id === defaultModelId()) ?? models[0];
  }
  const totalMs = performance.now() - started;
  return {
    model,
    decision: {
      chosenModelId: model.id,
      routerVersion: "static-default",
      executionProvider: "none",
      candidates: models.map((m) => ({ modelId: m.id, score: m.id === model.id ? 1 : 0, probability: m.id === model.id ? 1 : 0 })),
      confidence: 1,
      ratingsUsed: 0,
      coldStart: true,
      override: Boolean(overrideModelId),
      fallback: false,
      timings: { totalMs },
      totalMs,
    },
  };
}
