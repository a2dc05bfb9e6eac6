"use client";

import { MessageSquare, Star, ThumbsDown, ThumbsUp } from "lucide-react";
import { useRef, useState } from "react";
import type { StoredRating } from "@/lib/chat/ui-message";
import { RATING_REASONS } from "@/lib/feedback/reasons";

type Draft = StoredRating;

const EMPTY: Draft = { thumbsUp: null, stars: null, comment: null, reasons: [] };

const iconButton = "rounded p-1 hover:bg-zinc-200";

/**
 * The rating last saved for each answer in this page's life. A rating bar is mounted afresh whenever the answer pager
 * shows its answer again, with the rating the answer was loaded with: starting from that, it showed a saved rating as
 * none, and its next click sent the stale rest of the rating back, erasing what had been saved.
 */
const savedInThisPage = new Map<string, Draft>();

/** Thumbs, 1–5 stars, optional reason chips and a comment on one answer; optimistic, rolled back when the server refuses. */
export function RatingBar({ turnId, initial }: { turnId: string; initial: StoredRating | null }) {
  const start = savedInThisPage.get(turnId) ?? (initial ? { ...EMPTY, ...initial, reasons: initial.reasons ?? [] } : EMPTY);
  const [shown, setShown] = useState<Draft>(start);
  const [error, setError] = useState<string | null>(null);
  const [commenting, setCommenting] = useState(false);
  // Clicks can come faster than renders: each change builds on the latest request, and requests go out in order.
  const latest = useRef<Draft>(start);
  const saved = useRef<Draft>(start);
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
      savedInThisPage.set(turnId, next);
      return;
    }
    latest.current = saved.current;
    setShown(saved.current);
    const body = (await response?.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? "Could not save your rating.");
  }

  function submit(change: (draft: Draft) => Draft) {
    const next = change(latest.current);
    // Reasons explain a rating: clearing the rating clears them too.
    const settled = next.thumbsUp === null && next.stars === null ? { ...next, reasons: [], comment: null } : next;
    latest.current = settled;
    setShown(settled);
    setError(null);
    queue.current = queue.current.then(() => send(settled));
  }

  const thumb = (up: boolean) => submit((d) => ({ ...d, thumbsUp: d.thumbsUp === up ? null : up }));
  const rated = shown.thumbsUp !== null || shown.stars !== null;
  return (
    <div className="flex flex-col gap-1.5 text-xs text-zinc-600" data-testid="rating-bar">
      <div className="flex flex-wrap items-center gap-1">
        <button
          type="button"
          aria-pressed={shown.thumbsUp === true}
          aria-label="Good answer"
          onClick={() => thumb(true)}
          data-testid="thumb-up"
          title="Good answer"
          className={`${iconButton} ${shown.thumbsUp === true ? "text-emerald-700" : ""}`}
        >
          <ThumbsUp className="size-4" fill={shown.thumbsUp === true ? "currentColor" : "none"} aria-hidden />
        </button>
        <button
          type="button"
          aria-pressed={shown.thumbsUp === false}
          aria-label="Bad answer"
          onClick={() => thumb(false)}
          data-testid="thumb-down"
          title="Bad answer"
          className={`${iconButton} ${shown.thumbsUp === false ? "text-red-700" : ""}`}
        >
          <ThumbsDown className="size-4" fill={shown.thumbsUp === false ? "currentColor" : "none"} aria-hidden />
        </button>
        <span className="flex" role="radiogroup" aria-label="Stars">
          {[1, 2, 3, 4, 5].map((n) => {
            const lit = shown.stars !== null && n <= shown.stars;
            return (
              // biome-ignore lint/a11y/useSemanticElements: a star is a button that also clears the rating when pressed again, which a native radio cannot do.
              <button
                key={n}
                type="button"
                role="radio"
                aria-checked={shown.stars === n}
                aria-label={`${n} star${n > 1 ? "s" : ""}`}
                // A radio group is one tab stop (the chosen star, else the first) and its arrow keys choose.
                tabIndex={(shown.stars ?? 1) === n ? 0 : -1}
                onKeyDown={(e) => {
                  const to = { ArrowRight: n + 1, ArrowUp: n + 1, ArrowLeft: n - 1, ArrowDown: n - 1, Home: 1, End: 5 }[e.key];
                  if (to === undefined) return;
                  e.preventDefault();
                  const target = Math.min(5, Math.max(1, to));
                  submit((d) => ({ ...d, stars: target }));
                  (e.currentTarget.parentElement?.children[target - 1] as HTMLElement | undefined)?.focus();
                }}
                onClick={() => submit((d) => ({ ...d, stars: d.stars === n ? null : n }))}
                data-testid={`star-${n}`}
                className={`rounded p-0.5 hover:bg-zinc-200 ${lit ? "text-amber-600" : "text-zinc-500"}`}
              >
                <Star className="size-4" fill={lit ? "currentColor" : "none"} aria-hidden />
              </button>
            );
          })}
        </span>
        {rated && (
          <button
            type="button"
            onClick={() => setCommenting((c) => !c)}
            data-testid="rating-comment-toggle"
            aria-expanded={commenting}
            className={`${iconButton} inline-flex items-center gap-1`}
          >
            <MessageSquare className="size-3.5" aria-hidden />
            {shown.comment ? "Edit comment" : "Comment"}
          </button>
        )}
      </div>
      {rated && (
        // biome-ignore lint/a11y/useSemanticElements: toggle chips in a labelled group, not form fields to submit.
        <div className="flex flex-wrap gap-1" role="group" aria-label="Why? (optional)" data-testid="rating-reasons">
          {RATING_REASONS.map((reason) => {
            const on = shown.reasons.includes(reason);
            return (
              <button
                key={reason}
                type="button"
                aria-pressed={on}
                data-testid={`reason-${reason.replace(/\s+/g, "-")}`}
                onClick={() => submit((d) => ({ ...d, reasons: on ? d.reasons.filter((r) => r !== reason) : [...d.reasons, reason] }))}
                className={`rounded-full border px-2 py-0.5 ${on ? "border-zinc-900 bg-zinc-900 text-white" : "bg-white hover:bg-zinc-100"}`}
              >
                {reason}
              </button>
            );
          })}
        </div>
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
          <input
            name="comment"
            aria-label="Comment on this answer"
            defaultValue={shown.comment ?? ""}
            maxLength={500}
            data-testid="rating-comment"
            className="min-w-0 flex-1 rounded border bg-white px-2 py-1"
          />
          <button type="submit" data-testid="rating-comment-save" className="rounded border px-2 hover:bg-zinc-100">
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
