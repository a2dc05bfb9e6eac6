"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage } from "@/lib/chat/ui-message";
import { Message } from "./message";

export type Comparison = { chatSessionId: string; userTurnId: string; text: string; modelIds: readonly [string, string] };

type Answer = { turnId: string | null; done: boolean };

/** One side of a comparison: answers the already stored message with one model, streamed. */
function CompareColumn({ comparison, modelId, side, onAnswer }: { comparison: Comparison; modelId: string; side: "a" | "b"; onAnswer: (a: Answer) => void }) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: "/api/chat",
        prepareSendMessagesRequest: () => ({ body: { trigger: "regenerate-message", chatSessionId: comparison.chatSessionId, modelId } }),
      }),
    [comparison.chatSessionId, modelId],
  );
  const { messages, sendMessage, status, error } = useChat<ChatMessage>({ transport });
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void sendMessage({ text: comparison.text });
  }, [comparison.text, sendMessage]);

  const answer = messages.find((m) => m.role === "assistant");
  const busy = status === "submitted" || status === "streaming";
  useEffect(() => {
    onAnswer({ turnId: answer?.metadata?.turnId ?? null, done: !busy && !error && answer?.metadata?.status !== "failed" && Boolean(answer) });
  }, [answer, busy, error, onAnswer]);

  return (
    <div className="min-w-0 flex-1 rounded-lg border p-3" data-testid={`compare-${side}`}>
      {answer ? <Message message={answer} streaming={busy} stopped={false} streamError={error?.message} /> : <span className="animate-pulse text-zinc-400">…</span>}
    </div>
  );
}

/** Compare mode: two models answer side by side and the user picks the better one or a tie. */
export function CompareView({ comparison, onVoted }: { comparison: Comparison; onVoted: () => void }) {
  const [answers, setAnswers] = useState<{ a: Answer; b: Answer }>({ a: { turnId: null, done: false }, b: { turnId: null, done: false } });
  const [error, setError] = useState<string | null>(null);
  const onA = useMemo(() => (a: Answer) => setAnswers((s) => (s.a.turnId === a.turnId && s.a.done === a.done ? s : { ...s, a })), []);
  const onB = useMemo(() => (b: Answer) => setAnswers((s) => (s.b.turnId === b.turnId && s.b.done === b.done ? s : { ...s, b })), []);
  const ready = answers.a.done && answers.b.done && answers.a.turnId && answers.b.turnId;

  async function vote(winner: "a" | "b" | "tie") {
    setError(null);
    const response = await fetch("/api/compare/vote", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userTurnId: comparison.userTurnId, turnAId: answers.a.turnId, turnBId: answers.b.turnId, winner }),
    });
    if (response.ok) return onVoted();
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? `Vote failed (${response.status}).`);
  }

  return (
    <div className="flex flex-col gap-3" data-testid="compare-view">
      <div className="flex justify-end">
        <div className="max-w-[80%] whitespace-pre-wrap rounded-2xl bg-zinc-900 px-4 py-2 text-white">{comparison.text}</div>
      </div>
      <div className="flex gap-3">
        <CompareColumn comparison={comparison} modelId={comparison.modelIds[0]} side="a" onAnswer={onA} />
        <CompareColumn comparison={comparison} modelId={comparison.modelIds[1]} side="b" onAnswer={onB} />
      </div>
      <div className="flex justify-center gap-2 text-sm">
        <button type="button" disabled={!ready} onClick={() => void vote("a")} data-testid="vote-a" className="rounded-md border px-3 py-1 disabled:opacity-40">
          ← Left is better
        </button>
        <button type="button" disabled={!ready} onClick={() => void vote("tie")} data-testid="vote-tie" className="rounded-md border px-3 py-1 disabled:opacity-40">
          Tie
        </button>
        <button type="button" disabled={!ready} onClick={() => void vote("b")} data-testid="vote-b" className="rounded-md border px-3 py-1 disabled:opacity-40">
          Right is better →
        </button>
      </div>
      {error && (
        <p role="alert" data-testid="vote-error" className="text-center text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
