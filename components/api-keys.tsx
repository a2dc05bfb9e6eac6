"use client";

import { useState } from "react";
import { buttonClass, Dialog, DialogClose, DialogContent, DialogTrigger } from "./ui/dialog";

export type ApiKeyItem = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

async function readError(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: string } | null;
  return body?.error ?? `Request failed (${response.status}).`;
}

function formatDate(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "never";
}

/** Create, list and revoke the API keys for Switchboard's OpenAI-compatible API. */
export function ApiKeys({ initialKeys }: { initialKeys: ApiKeyItem[] }) {
  const [keys, setKeys] = useState(initialKeys);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const response = await fetch("/api/api-keys", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    setPending(false);
    if (!response.ok) return setError(await readError(response));
    const body = (await response.json()) as { key: string; apiKey: ApiKeyItem };
    setCreated(body.key);
    setName("");
    setKeys((current) => [body.apiKey, ...current]);
  }

  async function revoke(key: ApiKeyItem) {
    setError(null);
    const response = await fetch(`/api/api-keys/${key.id}`, { method: "DELETE" });
    if (!response.ok) return setError(await readError(response));
    setKeys((current) => current.map((k) => (k.id === key.id ? { ...k, revokedAt: new Date().toISOString() } : k)));
  }

  return (
    <section className="mt-6 space-y-4" data-testid="api-keys">
      <div>
        <h2 className="text-lg font-medium">API keys</h2>
        <p className="text-sm text-zinc-600">
          Use a key with any OpenAI client: base URL <code>/v1</code> on this server, model <code>auto</code> lets Switchboard choose.
        </p>
      </div>
      <form onSubmit={create} className="flex gap-2">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Key name, e.g. laptop scripts"
          maxLength={80}
          required
          data-testid="api-key-name"
          className="flex-1 rounded-md border px-3 py-2 text-sm"
        />
        <button
          type="submit"
          disabled={pending}
          data-testid="api-key-create"
          className="rounded-md bg-zinc-900 px-3 py-2 text-sm text-white disabled:opacity-50"
        >
          Create key
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-600" data-testid="api-key-error">
          {error}
        </p>
      )}
      {created && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="api-key-created">
          <p className="font-medium">Copy this key now: it is shown only once.</p>
          <div className="mt-2 flex gap-2">
            <code className="flex-1 break-all rounded bg-white px-2 py-1" data-testid="api-key-secret">
              {created}
            </code>
            <button type="button" onClick={() => navigator.clipboard.writeText(created)} data-testid="api-key-copy" className="rounded border px-2">
              Copy
            </button>
            <button type="button" onClick={() => setCreated(null)} data-testid="api-key-dismiss" className="rounded border px-2">
              Done
            </button>
          </div>
        </div>
      )}
      <table className="w-full text-left text-sm" data-testid="api-key-list">
        <thead className="text-zinc-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Key</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} className="border-t" data-testid="api-key-row" data-revoked={k.revokedAt ? "true" : "false"}>
              {/* A name without spaces wraps anywhere rather than widen the table past a phone's screen. */}
              <td className="py-1.5 [overflow-wrap:anywhere]">{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{formatDate(k.createdAt)}</td>
              <td>{formatDate(k.lastUsedAt)}</td>
              <td className="text-right">
                {k.revokedAt ? (
                  <span className="text-zinc-500">revoked</span>
                ) : (
                  <Dialog>
                    <DialogTrigger data-testid="api-key-revoke" className="text-red-600 underline">
                      Revoke
                    </DialogTrigger>
                    <DialogContent title="Revoke this key?" description={`Programs using "${k.name}" will stop working.`} testId="api-key-revoke-dialog">
                      <div className="flex justify-end gap-2">
                        <DialogClose className={buttonClass.secondary}>Cancel</DialogClose>
                        <DialogClose onClick={() => void revoke(k)} data-testid="api-key-revoke-confirm" className={buttonClass.danger}>
                          Revoke
                        </DialogClose>
                      </div>
                    </DialogContent>
                  </Dialog>
                )}
              </td>
            </tr>
          ))}
          {keys.length === 0 && (
            <tr>
              <td colSpan={5} className="py-2 text-zinc-500">
                No keys yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
