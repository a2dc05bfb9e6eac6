"use client";

import { useRef, useState } from "react";
import type { StoredRating } from "@/lib/chat/ui-message";

type Draft = { thumbsUp: boolean | null; stars: number | null; comment: string | null };

const EMPTY: Draft = { thumbsUp: null, stars: null, comment: null };

/** Thumbs, 1–5 stars and an optional comment on one answer; optimistic, rolled back when the server refuses. */
export function RatingBar({ turnId, initial }: { turnId: string; initial: StoredRating | null }) {
  const [shown, setShown] = useState<Draft>(initial ?? EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [commenting, setCommenting] = useState(false);
  // Clicks can come faster than renders: each change builds on the latest request, and requests go out in order.
  const latest = useRef<Draft>(initial ?? EMPTY);
  const saved = useRef<Draft>(initial ?? EMPTY);
  const queue = useRef<Promise<void>>(Promise.resolve());

  async function send(next: Draft) {
    const clearing = next.thumbsUp === null && next.stars === null;
    const response = await fetch("/api/ratings", {
      method: clearing ? "DELETE" : "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(clearing ? { turnId } : { turnId, ...next }),
    }).catch(() => null);
    if (response?.ok) {
      saved.current = next;
      return;
    }
    latest.current = saved.current;
    setShown(saved.current);
    const body = (await response?.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? "Could not save your rating.");
  }

  function submit(change: (draft: Draft) => Draft) {
    const next = change(latest.current);
    latest.current = next;
    setShown(next);
    setError(null);
    queue.current = queue.current.then(() => send(next));
  }

  const thumb = (up: boolean) => submit((d) => ({ ...d, thumbsUp: d.thumbsUp === up ? null : up }));
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500" data-testid="rating-bar">
      <button type="button" aria-pressed={shown.thumbsUp === true} onClick={() => thumb(true)} data-testid="thumb-up" title="Good answer" className={shown.thumbsUp === true ? "text-emerald-600" : "hover:text-zinc-800"}>
        👍
      </button>
      <button type="button" aria-pressed={shown.thumbsUp === false} onClick={() => thumb(false)} data-testid="thumb-down" title="Bad answer" className={shown.thumbsUp === false ? "text-red-600" : "hover:text-zinc-800"}>
        👎
      </button>
      <span className="flex" role="radiogroup" aria-label="Stars">
        {[1, 2, 3, 4, 5].map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: a star is a button that also clears the rating when pressed again, which a native radio cannot do.
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={shown.stars === n}
            onClick={() => submit((d) => ({ ...d, stars: d.stars === n ? null : n }))}
            data-testid={`star-${n}`}
            className={shown.stars !== null && n <= shown.stars ? "text-amber-500" : "text-zinc-300 hover:text-amber-400"}
          >
            ★
          </button>
        ))}
      </span>
      {(shown.thumbsUp !== null || shown.stars !== null) && (
        <button type="button" onClick={() => setCommenting((c) => !c)} data-testid="rating-comment-toggle" className="underline">
          {shown.comment ? "Edit comment" : "Comment"}
        </button>
      )}
      {commenting && (
        <form
          className="flex gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            const comment = (new FormData(e.currentTarget).get("comment") as string).trim();
            setCommenting(false);
            submit((d) => ({ ...d, comment: comment || null }));
          }}
        >
          <input name="comment" defaultValue={shown.comment ?? ""} maxLength={500} data-testid="rating-comment" className="rounded border px-1 py-0.5" />
          <button type="submit" data-testid="rating-comment-save" className="underline">
            Save
          </button>
        </form>
      )}
      {error && (
        <span role="alert" data-testid="rating-error" className="text-red-600">
          {error}
        </span>
      )}
    </div>
  );
}
