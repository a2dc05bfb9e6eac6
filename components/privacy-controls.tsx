"use client";

import { useState } from "react";

type Status =
  | { kind: "idle" }
  | { kind: "confirming" }
  | { kind: "working" }
  | { kind: "done"; ratings: number; votes: number }
  | { kind: "error"; message: string };

export function PrivacyControls() {
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  async function forget() {
    setStatus({ kind: "working" });
    const response = await fetch("/api/me/preferences", { method: "DELETE" });
    const body = (await response.json()) as { ratingsDeleted?: number; votesCleared?: number; error?: string };
    if (!response.ok) setStatus({ kind: "error", message: body.error ?? "Could not forget your preferences." });
    else setStatus({ kind: "done", ratings: body.ratingsDeleted ?? 0, votes: body.votesCleared ?? 0 });
  }

  return (
    <div className="mt-6 space-y-6">
      <section>
        <h2 className="font-medium">Download your data</h2>
        <p className="text-sm text-zinc-600">Chats, messages, ratings, compare votes and routing decisions, as one JSON file.</p>
        <a
          href="/api/me/export"
          download
          data-testid="privacy-download"
          className="mt-2 inline-block rounded-md border bg-white px-3 py-1.5 text-sm hover:bg-zinc-100"
        >
          Download my data
        </a>
      </section>
      <section>
        <h2 className="font-medium">Forget my preferences</h2>
        <p className="text-sm text-zinc-600">Deletes your ratings and compare votes. Routing starts over as for a new user; your chats stay.</p>
        {status.kind === "confirming" ? (
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              onClick={forget}
              data-testid="privacy-forget-confirm"
              className="rounded-md bg-red-700 px-3 py-1.5 text-sm text-white hover:bg-red-700"
            >
              Yes, forget my preferences
            </button>
            <button
              type="button"
              onClick={() => setStatus({ kind: "idle" })}
              data-testid="privacy-forget-cancel"
              className="rounded-md border px-3 py-1.5 text-sm"
            >
              Cancel
            </button>
          </div>
        ) : (
          <button
            type="button"
            onClick={() => setStatus({ kind: "confirming" })}
            disabled={status.kind === "working"}
            data-testid="privacy-forget"
            className="mt-2 rounded-md border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
          >
            Forget my preferences
          </button>
        )}
        {status.kind === "done" && (
          <p className="mt-2 text-sm text-emerald-700" data-testid="privacy-forget-done">
            Done: {status.ratings} ratings and {status.votes} compare votes forgotten.
          </p>
        )}
        {status.kind === "error" && (
          <p className="mt-2 text-sm text-red-700" data-testid="privacy-forget-error">
            {status.message}
          </p>
        )}
      </section>
    </div>
  );
}
