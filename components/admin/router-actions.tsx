"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

async function post(url: string, body: unknown): Promise<string | null> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (response.ok) return null;
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  return json.error ?? `Request failed (${response.status}).`;
}

/** Buttons for the router actions served by /api/admin/router/** (retrain, activate a version, roll back to the shipped model). */
export function RouterActions() {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function act(label: string, url: string, body: unknown) {
    setBusy(true);
    const failure = await post(url, body);
    setBusy(false);
    setMessage(failure ?? `${label}: done.`);
    router.refresh();
  }

  return (
    <div className="flex items-center gap-3 text-sm">
      <button type="button" disabled={busy} onClick={() => act("Retraining started", "/api/admin/router/retrain", {})} data-testid="router-retrain" className="rounded border px-3 py-1 hover:bg-zinc-100 disabled:opacity-50">
        Retrain now
      </button>
      <button type="button" disabled={busy} onClick={() => act("Rolled back to the shipped model", "/api/admin/router/versions/default/activate", {})} data-testid="router-rollback-default" className="rounded border px-3 py-1 hover:bg-zinc-100 disabled:opacity-50">
        Roll back to shipped model
      </button>
      {message ? <span data-testid="router-action-message">{message}</span> : null}
    </div>
  );
}

export function ActivateVersionButton({ versionId }: { versionId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  async function activate() {
    const failure = await post(`/api/admin/router/versions/${encodeURIComponent(versionId)}/activate`, {});
    setError(failure);
    if (!failure) router.refresh();
  }

  return (
    <>
      <button type="button" onClick={activate} data-testid="router-activate" className="underline">
        Activate
      </button>
      {error ? <span className="block text-xs text-red-700">{error}</span> : null}
    </>
  );
}
