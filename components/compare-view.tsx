"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { Trophy } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage } from "@/lib/chat/ui-message";
import { Message, UserMessage } from "./message";

/** `seal`: the server's seal of the pair, sent back with each side (lib/feedback/compare.ts). */
export type Comparison = { chatSessionId: string; userTurnId: string; text: string; modelIds: readonly [string, string]; seal: string };
export type Winner = "a" | "b" | "tie" | "both_bad";
/**
 * How a comparison ended: the vote, and the answer the conversation goes on with (the winner; the left one after a tie
 * or "both bad"). Without a vote when an answer failed: there is nothing fair to compare, and the conversation goes
 * on with the answer that did not fail, if any.
 */
export type ComparisonResult = { winner: Winner | null; shown: ChatMessage | null };

type Side = "a" | "b";
/** `done`: answered in full; `failed`: ended without an answer (the model failed or the request was refused). */
type Answer = { message: ChatMessage | null; done: boolean; failed: boolean };

const CHOICES: { winner: Winner; label: string }[] = [
  { winner: "a", label: "A is better" },
  { winner: "tie", label: "Tie" },
  { winner: "both_bad", label: "Both are bad" },
  { winner: "b", label: "B is better" },
];

const OUTCOME: Record<Winner, (a: string, b: string) => string> = {
  a: (a) => `You preferred ${a}.`,
  b: (_a, b) => `You preferred ${b}.`,
  tie: (a, b) => `You rated ${a} and ${b} a tie.`,
  both_bad: (a, b) => `You found both ${a} and ${b} bad.`,
};

/** One side of a comparison: answers the already stored message with one model, streamed, without naming it until the vote. */
function CompareColumn({
  comparison,
  side,
  revealed,
  won,
  onAnswer,
}: {
  comparison: Comparison;
  side: Side;
  revealed: boolean;
  won: boolean;
  onAnswer: (side: Side, a: Answer) => void;
}) {
  const modelId = comparison.modelIds[side === "a" ? 0 : 1];
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: "/api/compare/answer",
        prepareSendMessagesRequest: () => ({
          body: { chatSessionId: comparison.chatSessionId, userTurnId: comparison.userTurnId, modelId, modelIds: comparison.modelIds, seal: comparison.seal },
        }),
      }),
    [comparison, modelId],
  );
  const { messages, sendMessage, status, error } = useChat<ChatMessage>({ transport });
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void sendMessage({ text: comparison.text });
  }, [comparison.text, sendMessage]);

  const answer = messages.find((m) => m.role === "assistant") ?? null;
  const busy = status === "submitted" || status === "streaming";
  useEffect(() => {
    const failed = !busy && (Boolean(error) || answer?.metadata?.status === "failed");
    onAnswer(side, { message: answer, done: !busy && !failed && Boolean(answer), failed });
  }, [answer, busy, error, onAnswer, side]);

  const name = answer?.metadata?.modelName ?? modelId;
  return (
    <section
      aria-label={`Answer ${side.toUpperCase()}`}
      className={`min-w-0 flex-1 rounded-lg border p-3 ${won ? "border-emerald-600 ring-1 ring-emerald-600" : ""}`}
      data-testid={`compare-${side}`}
    >
      <header className="mb-2 flex items-center gap-2 text-sm font-semibold">
        <span>Answer {side.toUpperCase()}</span>
        {revealed && (
          <span data-testid={`compare-${side}-model`} className="font-normal text-zinc-700">
            {name}
          </span>
        )}
        {won && (
          <span data-testid={`compare-${side}-winner`} className="ml-auto inline-flex items-center gap-1 text-xs font-medium text-emerald-700">
            <Trophy className="size-3.5" aria-hidden />
            Preferred
          </span>
        )}
      </header>
      {answer ? (
        <Message message={answer} streaming={busy} stopped={false} streamError={error ? error.message : undefined} anonymous rateable={false} />
      ) : (
        <span className="animate-pulse text-zinc-500">…</span>
      )}
    </section>
  );
}

/**
 * Compare mode, Arena style: two models answer side by side in random order
 * with their names hidden; the user votes A, B, tie or both bad, and only
 * then are the names shown. The vote is the only learning signal it stores.
 */
export function CompareView({ comparison, onVoted }: { comparison: Comparison; onVoted: (result: ComparisonResult) => void }) {
  const [answers, setAnswers] = useState<Record<Side, Answer>>({
    a: { message: null, done: false, failed: false },
    b: { message: null, done: false, failed: false },
  });
  const [winner, setWinner] = useState<Winner | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const onAnswer = useMemo(
    () => (side: Side, next: Answer) =>
      setAnswers((s) => (s[side].message === next.message && s[side].done === next.done && s[side].failed === next.failed ? s : { ...s, [side]: next })),
    [],
  );
  const settled = (side: Side) => answers[side].done || answers[side].failed;
  // Both answers in, one of them failed: no vote to ask for, and the chat must not wait for one.
  const unvotable = !winner && settled("a") && settled("b") && (answers.a.failed || answers.b.failed);
  useEffect(() => {
    if (unvotable) onVoted({ winner: null, shown: answers.a.done ? answers.a.message : answers.b.done ? answers.b.message : answers.a.message });
  }, [unvotable, answers, onVoted]);
  const turnA = answers.a.message?.metadata?.turnId;
  const turnB = answers.b.message?.metadata?.turnId;
  const ready = answers.a.done && answers.b.done && turnA && turnB && !winner && !sending;

  async function vote(choice: Winner) {
    setError(null);
    setSending(true);
    const response = await fetch("/api/compare/vote", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userTurnId: comparison.userTurnId, turnAId: turnA, turnBId: turnB, winner: choice }),
    });
    setSending(false);
    if (response.ok) {
      setWinner(choice);
      onVoted({ winner: choice, shown: (choice === "b" ? answers.b.message : answers.a.message)! });
      return;
    }
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? `Vote failed (${response.status}).`);
  }

  const nameOf = (side: Side) => answers[side].message?.metadata?.modelName ?? comparison.modelIds[side === "a" ? 0 : 1];
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="compare-view" data-voted={winner ?? undefined}>
      <UserMessage text={comparison.text} />
      <div className="flex flex-col gap-3 md:flex-row">
        <CompareColumn comparison={comparison} side="a" revealed={winner !== null} won={winner === "a"} onAnswer={onAnswer} />
        <CompareColumn comparison={comparison} side="b" revealed={winner !== null} won={winner === "b"} onAnswer={onAnswer} />
      </div>
      {winner ? (
        <p className="text-center text-sm text-zinc-700" data-testid="compare-result" role="status">
          {OUTCOME[winner](nameOf("a"), nameOf("b"))} Thanks: your vote teaches the router. Keep chatting below.
        </p>
      ) : unvotable ? (
        <p className="text-center text-sm text-zinc-700" data-testid="compare-unvotable" role="status">
          {answers.a.failed && answers.b.failed ? "Both answers failed" : `Answer ${answers.a.failed ? "A" : "B"} failed`}, so there is nothing to vote on. Keep
          chatting below.
        </p>
      ) : (
        // Sticky, so the choices stay in reach while reading two long answers on a phone.
        // biome-ignore lint/a11y/useSemanticElements: a fieldset cannot be a grid container in every browser; the group is labelled.
        <div
          className="sticky bottom-0 grid grid-cols-2 gap-2 bg-white py-2 text-sm sm:flex sm:flex-wrap sm:justify-center"
          role="group"
          aria-label="Which answer is better?"
        >
          {CHOICES.map((c) => (
            <button
              key={c.winner}
              type="button"
              disabled={!ready}
              onClick={() => void vote(c.winner)}
              data-testid={`vote-${c.winner.replace("_", "-")}`}
              className="rounded-md border bg-white px-3 py-1.5 hover:bg-zinc-100 disabled:opacity-40"
            >
              {c.label}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p role="alert" data-testid="vote-error" className="text-center text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
