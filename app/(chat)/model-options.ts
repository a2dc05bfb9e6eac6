import type { ModelOption } from "@/components/model-picker";
import type { LlmModelRow } from "@/lib/db/queries/models";

/** What the composer's model picker shows of each enabled model. */
export function toModelOptions(models: readonly LlmModelRow[]): ModelOption[] {
  return models.map((m) => ({
    id: m.id,
    displayName: m.displayName,
    description: m.description,
    inputPricePerM: m.inputPricePerM,
    outputPricePerM: m.outputPricePerM,
  }));
}
