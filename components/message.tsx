"use client";

import { ChevronLeft, ChevronRight, Pencil, RefreshCw } from "lucide-react";
import { useState } from "react";
import type { AssistantMetadata, ChatMessage, SiblingAnswer } from "@/lib/chat/ui-message";
import type { DecisionSummary } from "@/lib/router/decision";
import { CopyButton } from "./copy-button";
import { Markdown } from "./markdown";
import { ModelBadge } from "./model-badge";
import { useModelName } from "./model-names";
import { RatingBar } from "./rating-bar";

const STATUS_LABEL = { stopped: "Stopped", failed: "Failed" } as const;

/**
 * Models the router ranked above the one that answered. The server moves down
 * the ranking only when a model fails before its first token, so a non-empty
 * list on a routed (not user-picked) turn names the models that failed first.
 */
function failedBefore(decision: DecisionSummary, modelId: string): string[] {
  const ranked = [...decision.candidates].sort((a, b) => b.probability - a.probability).map((c) => c.modelId);
  return ranked.slice(0, Math.max(0, ranked.indexOf(modelId)));
}

function listOf(names: string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export const formatCount = (n: number) => n.toLocaleString("en-US");

/** What the composer and the edit form say of a message over the limit. */
export function tooLongNotice(length: number, maxChars: number): string {
  return `Your message is ${formatCount(length)} characters; the limit is ${formatCount(maxChars)}. Shorten it to send.`;
}

export function textOf(message: ChatMessage): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** What the router's fallback did, in one sentence, or null when the first model answered. */
function fallbackNote(meta: Omit<AssistantMetadata, "answers">, status: string | undefined, nameOf: (modelId: string) => string): string | null {
  const before = meta.decision && !meta.decision.override && !meta.decision.compareSide && meta.modelId ? failedBefore(meta.decision, meta.modelId) : [];
  if (before.length === 0) return null;
  if (status === "failed") return `No model could answer: ${listOf([...before, meta.modelId!].map(nameOf))} failed.`;
  return `Answered by ${meta.modelName} after ${listOf(before.map(nameOf))} failed.`;
}

/** ‹ 2/3 ›: pages through the answers to one message. */
function AnswerPager({ index, count, onChange }: { index: number; count: number; onChange: (i: number) => void }) {
  return (
    <span className="inline-flex items-center text-zinc-600" data-testid="answer-pager">
      <button
        type="button"
        aria-label="Previous answer"
        data-testid="answer-prev"
        disabled={index === 0}
        onClick={() => onChange(index - 1)}
        className="rounded p-1 hover:bg-zinc-200 disabled:opacity-40"
      >
        <ChevronLeft className="size-4" aria-hidden />
      </button>
      <span data-testid="answer-position" aria-live="polite">
        {index + 1}/{count}
      </span>
      <button
        type="button"
        aria-label="Next answer"
        data-testid="answer-next"
        disabled={index === count - 1}
        onClick={() => onChange(index + 1)}
        className="rounded p-1 hover:bg-zinc-200 disabled:opacity-40"
      >
        <ChevronRight className="size-4" aria-hidden />
      </button>
    </span>
  );
}

type UserMessageProps = {
  text: string;
  /** Edit and re-run: sends the edited text in place of this message; absent when the message cannot be edited now. */
  onEdit?: (text: string) => void;
  maxChars?: number;
};

export function UserMessage({ text, onEdit, maxChars = Number.POSITIVE_INFINITY }: UserMessageProps) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft !== null && onEdit) {
    const tooLong = draft.length > maxChars;
    const send = () => {
      if (!draft.trim() || tooLong) return;
      setDraft(null);
      onEdit(draft.trim());
    };
    return (
      <form
        className="flex flex-col items-end gap-2"
        data-testid="edit-form"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          // biome-ignore lint/a11y/noAutofocus: the user asked to edit this message; the cursor belongs in it.
          autoFocus
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
            if (e.key === "Escape") setDraft(null);
          }}
          rows={Math.min(8, draft.split("\n").length + 1)}
          aria-label="Edit your message"
          aria-invalid={tooLong}
          data-testid="edit-input"
          className="block w-full max-w-[85%] resize-y rounded-2xl border bg-white px-4 py-2 outline-none focus:border-zinc-400"
        />
        {tooLong && (
          <p role="alert" className="text-sm text-red-700">
            {tooLongNotice(draft.length, maxChars)}
          </p>
        )}
        <div className="flex gap-2 text-sm">
          <button type="button" onClick={() => setDraft(null)} data-testid="edit-cancel" className="rounded-md px-3 py-1.5 hover:bg-zinc-200">
            Cancel
          </button>
          <button
            type="submit"
            disabled={!draft.trim() || tooLong}
            data-testid="edit-send"
            className="rounded-md bg-zinc-900 px-3 py-1.5 font-medium text-white disabled:opacity-40"
          >
            Send
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="flex flex-col items-end gap-1" data-testid="message-user">
      <div className="max-w-[85%] min-w-0 rounded-2xl bg-zinc-900 px-4 py-2 whitespace-pre-wrap text-white [overflow-wrap:anywhere]">{text}</div>
      {onEdit && (
        <button
          type="button"
          onClick={() => setDraft(text)}
          data-testid="edit-message"
          aria-label="Edit message"
          title="Edit and send again: the answers after it are replaced"
          className="inline-flex items-center gap-1 rounded p-1 text-xs text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900"
        >
          <Pencil className="size-3.5" aria-hidden />
          Edit
        </button>
      )}
    </div>
  );
}

type AssistantProps = {
  message: ChatMessage;
  streaming: boolean;
  stopped: boolean;
  streamError?: string;
  /** All answers to this message, this one included, when there are several. */
  answers?: SiblingAnswer[];
  /** Compare mode before the vote: no model name. */
  anonymous?: boolean;
  /** Compare sides are judged by the vote, not rated. */
  rateable?: boolean;
  onRegenerate?: () => void;
  /** User messages: edit and re-run. */
  onEdit?: (text: string) => void;
  maxChars?: number;
};

export function Message(props: AssistantProps) {
  if (props.message.role === "user") return <UserMessage text={textOf(props.message)} onEdit={props.onEdit} maxChars={props.maxChars} />;
  return <AssistantMessage {...props} />;
}

function AssistantMessage({ message, streaming, stopped, streamError, answers, anonymous = false, rateable = true, onRegenerate }: AssistantProps) {
  const liveIndex = answers
    ? Math.max(
        0,
        answers.findIndex((a) => a.metadata.turnId === message.metadata?.turnId),
      )
    : 0;
  const [picked, setPicked] = useState<number | null>(null);
  const nameOf = useModelName();
  const index = picked ?? (answers ? (answers.some((a) => a.metadata.turnId === message.metadata?.turnId) ? liveIndex : answers.length - 1) : 0);
  const live = !answers || answers[index]?.metadata.turnId === message.metadata?.turnId;
  const sibling = answers?.[index];
  const text = live ? textOf(message) : (sibling?.text ?? "");
  const meta = (live ? message.metadata : sibling?.metadata) ?? {};
  const status = live && streamError ? "failed" : live && stopped ? "stopped" : meta.status;
  const error = (live ? streamError : undefined) ?? meta.error;
  const busy = live && streaming;
  // Stored while another tab (or this page before a navigation) still receives it: its text comes when it ends.
  const elsewhere = !busy && status === "streaming";
  const note = fallbackNote(meta, status, nameOf);
  const finished = !busy && (status === "completed" || status === "stopped");

  return (
    <div
      className="flex min-w-0 flex-col gap-1"
      data-testid="message-assistant"
      data-status={busy ? "streaming" : (status ?? "completed")}
      data-turn-id={meta.turnId}
    >
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600">
        {!anonymous && meta.modelId && <ModelBadge modelId={meta.modelId} modelName={meta.modelName ?? meta.modelId} decision={meta.decision ?? null} />}
        {status && status in STATUS_LABEL && (
          <span data-testid="message-status" className={status === "failed" ? "font-medium text-red-700" : "font-medium text-amber-700"}>
            {STATUS_LABEL[status as keyof typeof STATUS_LABEL]}
          </span>
        )}
      </div>
      {note && !anonymous && (
        <p data-testid="message-fallback" className="text-xs text-amber-700">
          {note}
        </p>
      )}
      <div data-testid="message-content" className="min-w-0">
        {text ? (
          <Markdown text={text} />
        ) : busy ? (
          <span className="animate-pulse text-zinc-500">…</span>
        ) : elsewhere ? (
          <span className="animate-pulse text-zinc-500" data-testid="message-elsewhere">
            Still being written…
          </span>
        ) : null}
      </div>
      {error && (
        <p role="alert" data-testid="message-error" className="text-sm text-red-700">
          {error}
        </p>
      )}
      {!busy && !elsewhere && (
        <div className="flex flex-wrap items-center gap-1 text-xs">
          {answers && answers.length > 1 && <AnswerPager index={index} count={answers.length} onChange={setPicked} />}
          {text && <CopyButton text={() => text} label="Copy answer" testId="copy-answer" />}
          {onRegenerate && (
            <button
              type="button"
              onClick={onRegenerate}
              data-testid="regenerate"
              className="inline-flex items-center gap-1 rounded p-1 text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900"
            >
              <RefreshCw className="size-3.5" aria-hidden />
              Regenerate
            </button>
          )}
        </div>
      )}
      {finished && rateable && !anonymous && meta.turnId && <RatingBar key={meta.turnId} turnId={meta.turnId} initial={meta.rating ?? null} />}
    </div>
  );
}
