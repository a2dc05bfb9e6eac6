"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "@/components/send-json";

export type CatalogEntry = {
  id: string;
  displayName: string;
  baseUrl: string;
  apiKeyEnv: string | null;
  providerModelId: string;
  description: string;
  examples: string[];
  inputPricePerM: number;
  outputPricePerM: number;
  enabled: boolean;
};

const EMPTY: CatalogEntry = {
  id: "",
  displayName: "",
  baseUrl: "",
  apiKeyEnv: null,
  providerModelId: "",
  description: "",
  examples: [],
  inputPricePerM: 0,
  outputPricePerM: 0,
  enabled: true,
};

function ModelForm({ initial, isNew, onDone }: { initial: CatalogEntry; isNew: boolean; onDone: () => void }) {
  const [draft, setDraft] = useState(initial);
  const [examples, setExamples] = useState(initial.examples.join("\n"));
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof CatalogEntry>(key: K, value: CatalogEntry[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const { id, ...fields } = draft;
    const lines = examples
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const body = { ...fields, examples: lines, apiKeyEnv: fields.apiKeyEnv || null };
    const sent = isNew ? await sendJson("POST", "/api/admin/models", { id, ...body }) : await sendJson("PATCH", modelUrl(id), body);
    setError(sent.ok ? null : sent.error);
    if (sent.ok) onDone();
  }

  const field = "w-full rounded border px-2 py-1";
  return (
    <form onSubmit={submit} className="grid grid-cols-2 gap-2 rounded border bg-zinc-50 p-3 text-sm" data-testid="model-form">
      {isNew ? (
        <input className={field} placeholder="id (e.g. gpt-4o-mini)" value={draft.id} onChange={(e) => set("id", e.target.value)} data-testid="model-form-id" />
      ) : null}
      <input
        className={field}
        placeholder="Display name"
        value={draft.displayName}
        onChange={(e) => set("displayName", e.target.value)}
        data-testid="model-form-name"
      />
      <input
        className={field}
        placeholder="Base URL"
        value={draft.baseUrl}
        onChange={(e) => set("baseUrl", e.target.value)}
        data-testid="model-form-base-url"
      />
      <input
        className={field}
        placeholder="Provider model id"
        value={draft.providerModelId}
        onChange={(e) => set("providerModelId", e.target.value)}
        data-testid="model-form-provider-id"
      />
      <input
        className={field}
        placeholder="API key env var (optional)"
        value={draft.apiKeyEnv ?? ""}
        onChange={(e) => set("apiKeyEnv", e.target.value)}
        data-testid="model-form-api-key-env"
      />
      <label className="flex items-center gap-1">
        $/1M in
        <input
          className={field}
          type="number"
          step="any"
          min="0"
          value={draft.inputPricePerM}
          onChange={(e) => set("inputPricePerM", Number(e.target.value))}
          data-testid="model-form-input-price"
        />
      </label>
      <label className="flex items-center gap-1">
        $/1M out
        <input
          className={field}
          type="number"
          step="any"
          min="0"
          value={draft.outputPricePerM}
          onChange={(e) => set("outputPricePerM", Number(e.target.value))}
          data-testid="model-form-output-price"
        />
      </label>
      <textarea
        className={`${field} col-span-2`}
        rows={3}
        placeholder="Description (the router embeds it)"
        value={draft.description}
        onChange={(e) => set("description", e.target.value)}
        data-testid="model-form-description"
      />
      <label className="col-span-2 text-zinc-600">
        Example requests this model is for, one per line: the router relies on them until people have rated the model.
        <textarea
          className={`${field} mt-1`}
          rows={4}
          placeholder={"Write a Python function that removes duplicates from a list.\nWhy does my JavaScript loop print undefined?"}
          value={examples}
          onChange={(e) => setExamples(e.target.value)}
          data-testid="model-form-examples"
        />
      </label>
      {error ? (
        <p className="col-span-2 text-red-700" data-testid="model-form-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="col-span-2 rounded bg-zinc-900 px-3 py-1 text-white" data-testid="model-form-save">
        {isNew ? "Add model" : "Save"}
      </button>
    </form>
  );
}

const modelUrl = (id: string) => `/api/admin/models/${encodeURIComponent(id)}`;

/**
 * One catalog entry. The toggle shows the server's answer as soon as the change is stored, and a refused change is
 * said, not silently dropped. A newer stored state brought by the page's refresh replaces the shown one during
 * render; the row is not remounted for it, so a refusal that arrived in between stays on screen.
 */
function ModelRow({ model, editing, onEdit, onDone }: { model: CatalogEntry; editing: boolean; onEdit: () => void; onDone: () => void }) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(model.enabled);
  const [storedEnabled, setStoredEnabled] = useState(model.enabled);
  if (model.enabled !== storedEnabled) {
    setStoredEnabled(model.enabled);
    setEnabled(model.enabled);
  }
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setPending(true);
    setError(null);
    const sent = await sendJson("PATCH", modelUrl(model.id), { enabled: !enabled });
    setPending(false);
    if (!sent.ok) return setError(`Could not ${enabled ? "disable" : "enable"} ${model.displayName}: ${sent.error}`);
    setEnabled((sent.json as { model: { enabled: boolean } }).model.enabled);
    router.refresh();
  }

  return (
    <div className="rounded border p-3 text-sm" data-testid="model-entry" data-model-id={model.id}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-semibold">{model.displayName}</span>
        <code className="text-xs text-zinc-500">{model.id}</code>
        <span className={enabled ? "text-green-700" : "text-zinc-500"} data-testid="model-enabled-state">
          {enabled ? "enabled" : "disabled"}
        </span>
        <span className="text-zinc-600">
          ${model.inputPricePerM}/1M in · ${model.outputPricePerM}/1M out
        </span>
        <button
          type="button"
          className="ml-auto underline disabled:text-zinc-400 disabled:no-underline"
          disabled={pending}
          onClick={() => void toggle()}
          data-testid="model-toggle"
        >
          {pending ? "Saving…" : enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" className="underline" onClick={onEdit} data-testid="model-edit">
          {editing ? "Cancel" : "Edit"}
        </button>
      </div>
      {error ? (
        <p className="mt-1 text-red-700" role="alert" data-testid="model-toggle-error">
          {error}
        </p>
      ) : null}
      <p className="mt-1 text-zinc-600">{model.description}</p>
      {model.examples.length > 0 ? (
        <p className="mt-1 text-xs text-zinc-500" data-testid="model-examples">
          For: {model.examples.slice(0, 3).join(" · ")}
          {model.examples.length > 3 ? ` · and ${model.examples.length - 3} more` : ""}
        </p>
      ) : null}
      {editing ? <ModelForm initial={model} isNew={false} onDone={onDone} /> : null}
    </div>
  );
}

export function ModelCatalog({ models }: { models: CatalogEntry[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(null);
  const done = () => {
    setEditing(null);
    router.refresh();
  };

  return (
    <div className="space-y-3" data-testid="model-catalog">
      {models.map((m) => (
        <ModelRow key={m.id} model={m} editing={editing === m.id} onEdit={() => setEditing(editing === m.id ? null : m.id)} onDone={done} />
      ))}
      <button type="button" className="rounded border px-3 py-1 text-sm" onClick={() => setEditing(editing === "" ? null : "")} data-testid="model-add">
        {editing === "" ? "Cancel" : "+ Add model"}
      </button>
      {editing === "" ? <ModelForm initial={EMPTY} isNew onDone={done} /> : null}
    </div>
  );
}
