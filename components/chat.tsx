"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { ArrowUp, Square } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage, SiblingAnswer } from "@/lib/chat/ui-message";
import { CompareView, type Comparison, type ComparisonResult } from "./compare-view";
import { formatCount, Message, textOf, tooLongNotice } from "./message";
import { ModelNamesProvider } from "./model-names";
import { describeModel, type ModelOption, ModelPicker } from "./model-picker";
import { announceSessionsChanged } from "./sessions-changed";

/** How often the transcript is read again while it holds an answer still being written elsewhere. */
const STORED_ANSWER_POLL_MS = 1_500;

async function createSession(): Promise<string> {
  const response = await fetch("/api/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  if (!response.ok) throw new Error(`Could not start a chat (${response.status}).`);
  return ((await response.json()) as { session: { id: string } }).session.id;
}

/** The chat transport reports a refused request (4xx/5xx) with the raw JSON body as its message; show its sentence. */
function readableError(error: Error): string {
  try {
    const body = JSON.parse(error.message) as { error?: unknown };
    return typeof body.error === "string" ? body.error : error.message;
  } catch {
    return error.message;
  }
}

/** A live answer as one of several answers to its message. */
function toSibling(message: ChatMessage, failed: ReadonlyMap<string, string>, stopped: ReadonlySet<string>): SiblingAnswer {
  const { answers: _answers, ...metadata } = message.metadata ?? {};
  const error = failed.get(message.id);
  return { text: textOf(message), metadata: { ...metadata, ...(error ? { status: "failed", error } : stopped.has(message.id) ? { status: "stopped" } : {}) } };
}

export function Chat({
  chatSessionId,
  initialMessages,
  models,
  maxChars,
}: {
  chatSessionId?: string;
  initialMessages: ChatMessage[];
  models: ModelOption[];
  maxChars: number;
}) {
  const sessionId = useRef(chatSessionId);
  const override = useRef<string | undefined>(undefined);
  // Edit and re-run: the stored message the next request replaces.
  const editOf = useRef<string | undefined>(undefined);
  const [input, setInput] = useState("");
  // An unsent message is kept per chat for the tab's life: leaving the chat (Ctrl+Shift+O, the sidebar) or reloading
  // does not lose it. A new chat's draft is kept under its own key until it is sent.
  const draftKey = `switchboard:draft:${chatSessionId ?? "new"}`;
  useEffect(() => {
    const saved = sessionStorage.getItem(draftKey);
    if (saved) setInput((current) => current || saved);
  }, [draftKey]);
  useEffect(() => {
    if (input) sessionStorage.setItem(draftKey, input);
    else sessionStorage.removeItem(draftKey);
  }, [draftKey, input]);
  const [pickedModel, setPickedModel] = useState("");
  const [stoppedIds, setStoppedIds] = useState<ReadonlySet<string>>(new Set());
  // Answers that failed in this page's life, by message id: the label stays however many turns follow.
  const [failedIds, setFailedIds] = useState<ReadonlyMap<string, string>>(new Map());
  // Earlier answers to a message, kept when the user regenerates it, keyed by the user message's id.
  const [earlierAnswers, setEarlierAnswers] = useState<ReadonlyMap<string, SiblingAnswer[]>>(new Map());
  const [compareMode, setCompareMode] = useState(false);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [voted, setVoted] = useState<ComparisonResult | null>(null);
  const [composerError, setComposerError] = useState<string | null>(null);
  const modelNames = useMemo(() => new Map(models.map((m) => [m.id, m.displayName])), [models]);
  const bottom = useRef<HTMLDivElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  // A chat opens ready to type where there is a keyboard; on a touch screen focusing would pop the keyboard over the chat.
  useEffect(() => {
    if (window.matchMedia("(pointer: fine)").matches) textarea.current?.focus();
  }, []);

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: "/api/chat",
        prepareSendMessagesRequest: async ({ messages, trigger }) => {
          if (!sessionId.current) {
            sessionId.current = await createSession();
            window.history.replaceState(null, "", `/chat/${sessionId.current}`);
          }
          const last = messages[messages.length - 1];
          const text = last?.parts.map((p) => (p.type === "text" ? p.text : "")).join("") ?? "";
          const replaces = editOf.current;
          editOf.current = undefined;
          return {
            body: {
              chatSessionId: sessionId.current,
              trigger,
              modelId: override.current,
              ...(trigger === "submit-message" ? { text, editOf: replaces } : {}),
            },
          };
        },
      }),
    [],
  );

  const { messages, setMessages, sendMessage, status, stop, regenerate, error } = useChat<ChatMessage>({
    id: chatSessionId,
    messages: initialMessages,
    transport,
    onFinish: announceSessionsChanged,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: every new message or delta scrolls to the bottom, and so does an answer's end or a vote, which bring the answer's actions and rating bar or the vote's outcome below it.
  useEffect(() => {
    // Braces matter: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.
    bottom.current?.scrollIntoView({ block: "end" });
  }, [messages, comparison, status, voted]);

  const last = messages[messages.length - 1];
  useEffect(() => {
    if (!error || !last) return;
    if (last.role === "assistant") setFailedIds((m) => (m.has(last.id) ? m : new Map(m).set(last.id, readableError(error))));
    // Refused before any answer: the message goes back into the composer to fix and resend.
    else setInput((current) => current || textOf(last));
  }, [error, last]);

  const busy = status === "submitted" || status === "streaming";

  // An answer that another tab (or this page before a navigation) is still receiving is stored as "streaming", and
  // its text only when it ends: the transcript is read again until it has ended, and then shown.
  const router = useRouter();
  const followingStored = !busy && messages.some((m) => m.role === "assistant" && m.metadata?.status === "streaming");
  const following = useRef(followingStored);
  following.current = followingStored;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each transcript read (new initialMessages) schedules the next while the answer is still being written.
  useEffect(() => {
    if (!followingStored) return;
    const timer = setTimeout(() => router.refresh(), STORED_ANSWER_POLL_MS);
    return () => clearTimeout(timer);
  }, [followingStored, initialMessages, router]);
  useEffect(() => {
    if (following.current) setMessages(initialMessages);
  }, [initialMessages, setMessages]);

  /** Stops the answer being written; it is kept, labelled as stopped, and can be rated. */
  function stopAnswer() {
    if (last) setStoppedIds((ids) => new Set(ids).add(last.id));
    void stop();
  }
  const stopAnswerRef = useRef(stopAnswer);
  stopAnswerRef.current = stopAnswer;
  // Esc stops an answer wherever the focus is, except where Esc already means something: a dialog, a popover, or the
  // box of a message being edited.
  useEffect(() => {
    if (!busy) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('[role="dialog"], [data-radix-popper-content-wrapper], [data-testid="edit-input"]')) return;
      stopAnswerRef.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy]);
  const tooLong = input.length > maxChars;
  const requestError = error && last?.role === "user" ? readableError(error) : null;
  const shownError = tooLong ? tooLongNotice(input.length, maxChars) : (composerError ?? requestError);

  async function startComparison(text: string) {
    if (!sessionId.current) {
      sessionId.current = await createSession();
      window.history.replaceState(null, "", `/chat/${sessionId.current}`);
    }
    const response = await fetch("/api/compare", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatSessionId: sessionId.current, text }),
    });
    const body = (await response.json().catch(() => null)) as { userTurnId?: string; modelIds?: [string, string]; seal?: string; error?: string } | null;
    if (!response.ok || !body?.userTurnId || !body.modelIds || !body.seal) {
      setInput((current) => current || text);
      return setComposerError(body?.error ?? `Compare failed (${response.status}).`);
    }
    announceSessionsChanged();
    setComparison({ chatSessionId: sessionId.current, userTurnId: body.userTurnId, text, modelIds: body.modelIds, seal: body.seal });
  }

  /** A settled comparison joins the transcript as the message and the answer it went on with (compare-view.tsx). */
  function settleComparison() {
    if (!comparison || !voted) return;
    const question: ChatMessage = { id: comparison.userTurnId, role: "user", parts: [{ type: "text", text: comparison.text }] };
    setMessages((current) => [...current, question, ...(voted.shown ? [voted.shown] : [])]);
    setComparison(null);
    setVoted(null);
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy || tooLong || (comparison && !voted)) return;
    settleComparison();
    setComposerError(null);
    setInput("");
    if (compareMode) {
      void startComparison(text);
      return;
    }
    override.current = pickedModel || undefined;
    void sendMessage({ text });
  }

  function regenerateLast() {
    const index = messages.length - 1;
    const answer = messages[index];
    const question = messages[index - 1];
    if (answer?.role !== "assistant" || question?.role !== "user") return;
    const before = earlierAnswers.get(question.id) ?? answer.metadata?.answers?.filter((a) => a.metadata.turnId !== answer.metadata?.turnId) ?? [];
    setEarlierAnswers((m) => new Map(m).set(question.id, [...before, toSibling(answer, failedIds, stoppedIds)]));
    override.current = pickedModel || undefined;
    void regenerate();
  }

  /** Edit and re-run: the message at `index` and everything after it give way to the edited text and a new answer. */
  function editMessage(index: number, questionTurnId: string, text: string) {
    if (busy || comparison) return;
    setComposerError(null);
    editOf.current = questionTurnId;
    override.current = pickedModel || undefined;
    setMessages(messages.slice(0, index));
    void sendMessage({ text });
  }

  const pickedDescription = pickedModel ? describeModel(models, pickedModel) : null;
  return (
    <ModelNamesProvider value={modelNames}>
      <div className="flex min-h-0 flex-1 flex-col">
        <div className="min-h-0 flex-1 overflow-x-hidden overflow-y-auto" data-testid="message-list">
          <div className="mx-auto flex w-full max-w-3xl min-w-0 flex-col gap-6 px-3 py-6 sm:px-4">
            {messages.length === 0 && !comparison && (
              <p className="mt-24 text-center text-zinc-600">Ask anything. Switchboard picks the model that suits you best.</p>
            )}
            {messages.map((m, i) => {
              const question = messages[i - 1];
              const earlier = question && m.role === "assistant" ? earlierAnswers.get(question.id) : undefined;
              const isLast = m.id === last?.id;
              // A message is edited by its stored id: the one its answer names (a message sent from this page has a client id).
              const next = messages[i + 1];
              const storedId = m.role === "user" && next?.role === "assistant" ? (next.metadata?.questionTurnId ?? m.id) : undefined;
              return (
                <Message
                  key={m.id}
                  message={m}
                  streaming={busy && isLast && m.role === "assistant"}
                  stopped={stoppedIds.has(m.id)}
                  streamError={failedIds.get(m.id)}
                  answers={earlier ? [...earlier, toSibling(m, failedIds, stoppedIds)] : m.metadata?.answers}
                  onRegenerate={isLast && !busy && !comparison && m.role === "assistant" ? regenerateLast : undefined}
                  onEdit={storedId && !busy && !comparison ? (text) => editMessage(i, storedId, text) : undefined}
                  maxChars={maxChars}
                />
              );
            })}
            {comparison && <CompareView comparison={comparison} onVoted={setVoted} />}
            <div ref={bottom} />
          </div>
        </div>
        <form onSubmit={submit} className="mx-auto w-full max-w-3xl px-2 pb-2 sm:px-4 sm:pb-4" data-testid="composer">
          {shownError && (
            <p
              role="alert"
              data-testid="chat-error"
              className="mb-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-700 dark:bg-transparent"
            >
              {shownError}
            </p>
          )}
          <div className="rounded-xl border bg-white p-2 shadow-sm focus-within:border-zinc-400">
            <textarea
              ref={textarea}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
              }}
              rows={2}
              placeholder={comparison && !voted ? "Vote on the comparison first" : "Message Switchboard"}
              aria-label="Message"
              aria-invalid={tooLong}
              aria-describedby="composer-count"
              data-testid="composer-input"
              className="block max-h-48 min-h-14 w-full field-sizing-content resize-none bg-transparent px-2 py-1 outline-none"
            />
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-1 text-xs text-zinc-700" title="Two anonymous models answer side by side; you vote for the better one">
                <input type="checkbox" checked={compareMode} onChange={(e) => setCompareMode(e.target.checked)} data-testid="compare-toggle" />
                Compare
              </label>
              <ModelPicker models={models} value={pickedModel} onChange={setPickedModel} />
              {/* On a phone the counter shows only near the limit, so Send stays on the same line. */}
              <span
                id="composer-count"
                data-testid="char-count"
                className={`ml-auto text-xs tabular-nums ${tooLong ? "font-semibold text-red-700" : "text-zinc-600"} ${input.length < maxChars * 0.8 ? "max-sm:sr-only" : ""}`}
              >
                {formatCount(input.length)} / {formatCount(maxChars)}
              </span>
              {busy ? (
                <button
                  type="button"
                  onClick={stopAnswer}
                  data-testid="stop"
                  aria-label="Stop the answer"
                  className="inline-flex items-center gap-1 rounded-md bg-zinc-200 px-3 py-1.5 text-sm max-sm:ml-auto"
                >
                  <Square className="size-3.5" fill="currentColor" aria-hidden />
                  Stop
                </button>
              ) : (
                <button
                  type="submit"
                  data-testid="send"
                  disabled={!input.trim() || tooLong || Boolean(comparison && !voted)}
                  className="inline-flex items-center gap-1 rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40 max-sm:ml-auto"
                >
                  <ArrowUp className="size-4" aria-hidden />
                  Send
                </button>
              )}
            </div>
            {pickedDescription && (
              <p className="mt-1 px-1 text-xs text-zinc-600" data-testid="model-description">
                {pickedDescription}
              </p>
            )}
          </div>
          <p className="mt-1 hidden text-center text-xs text-zinc-600 sm:block">
            Enter sends, Shift+Enter adds a line, Esc stops an answer, Ctrl+Shift+O starts a new chat.
          </p>
        </form>
      </div>
    </ModelNamesProvider>
  );
}
