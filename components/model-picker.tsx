"use client";

export type ModelOption = { id: string; displayName: string; description: string; inputPricePerM: number; outputPricePerM: number };

const price = (perM: number) => `$${perM.toFixed(perM < 1 ? 2 : 1)}`;

/** "Auto" (the router) or one model for the next message; each option names its price, the chosen one its description. */
export function ModelPicker({ models, value, onChange }: { models: ModelOption[]; value: string; onChange: (id: string) => void }) {
  return (
    <select
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-testid="model-picker"
      aria-label="Model for the next message"
      title="Answer with a specific model"
      className="max-w-[11.5rem] min-w-0 rounded-md border bg-white px-2 py-1 text-sm sm:max-w-[16rem]"
    >
      <option value="">Auto (router picks)</option>
      {models.map((m) => (
        <option key={m.id} value={m.id} title={m.description}>
          {m.displayName} · {price(m.inputPricePerM)} / {price(m.outputPricePerM)} per 1M tokens
        </option>
      ))}
    </select>
  );
}

export function describeModel(models: ModelOption[], id: string): string | null {
  const m = models.find((x) => x.id === id);
  return m ? `${m.displayName}: ${m.description} (input ${price(m.inputPricePerM)}, output ${price(m.outputPricePerM)} per 1M tokens)` : null;
}
