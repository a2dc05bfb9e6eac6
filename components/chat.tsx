"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage } from "@/lib/chat/ui-message";
import { CompareView, type Comparison } from "./compare-view";
import { Message } from "./message";
import { announceSessionsChanged } from "./sessions-changed";

type ModelOption = { id: string; displayName: string };

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

export function Chat({ chatSessionId, initialMessages, models }: { chatSessionId?: string; initialMessages: ChatMessage[]; models: ModelOption[] }) {
  const sessionId = useRef(chatSessionId);
  const override = useRef<string | undefined>(undefined);
  const [input, setInput] = useState("");
  const [pickedModel, setPickedModel] = useState("");
  const [stoppedIds, setStoppedIds] = useState<ReadonlySet<string>>(new Set());
  const [compareMode, setCompareMode] = useState(false);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [compareError, setCompareError] = useState<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);

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
          return { body: { chatSessionId: sessionId.current, trigger, modelId: override.current, ...(trigger === "submit-message" ? { text } : {}) } };
        },
      }),
    [],
  );

  const { messages, sendMessage, status, stop, regenerate, error } = useChat<ChatMessage>({
    id: chatSessionId,
    messages: initialMessages,
    transport,
    onFinish: announceSessionsChanged,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: every new message or delta scrolls to the bottom.
  useEffect(() => {
    // Braces matter: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.
    bottom.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  const busy = status === "submitted" || status === "streaming";
  const lastId = messages[messages.length - 1]?.id;

  async function startComparison(text: string) {
    setCompareError(null);
    if (!sessionId.current) {
      sessionId.current = await createSession();
      window.history.replaceState(null, "", `/chat/${sessionId.current}`);
    }
    const response = await fetch("/api/compare", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatSessionId: sessionId.current, text }) });
    const body = (await response.json().catch(() => null)) as { userTurnId?: string; modelIds?: [string, string]; error?: string } | null;
    if (!response.ok || !body?.userTurnId || !body.modelIds) return setCompareError(body?.error ?? `Compare failed (${response.status}).`);
    setComparison({ chatSessionId: sessionId.current, userTurnId: body.userTurnId, text, modelIds: body.modelIds });
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy || comparison) return;
    setInput("");
    if (compareMode) {
      void startComparison(text);
      return;
    }
    override.current = pickedModel || undefined;
    void sendMessage({ text });
  }

  return (
    <div className="flex h-full flex-col">
      <div className="flex-1 overflow-y-auto" data-testid="message-list">
        <div className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6">
          {messages.length === 0 && <p className="mt-24 text-center text-zinc-500">Ask anything. Switchboard picks the model that suits you best.</p>}
          {messages.map((m) => (
            <Message
              key={m.id}
              message={m}
              streaming={busy && m.id === lastId && m.role === "assistant"}
              stopped={stoppedIds.has(m.id)}
              streamError={error && m.id === lastId && m.role === "assistant" ? readableError(error) : undefined}
            />
          ))}
          {comparison && <CompareView comparison={comparison} onVoted={() => window.location.assign(`/chat/${comparison.chatSessionId}`)} />}
          {compareError && (
            <p role="alert" data-testid="compare-error" className="text-sm text-red-600">
              {compareError}
            </p>
          )}
          {error && messages[messages.length - 1]?.role === "user" && (
            <p role="alert" data-testid="chat-error" className="text-sm text-red-600">
              {readableError(error)}
            </p>
          )}
          <div ref={bottom} />
        </div>
      </div>
      <form onSubmit={submit} className="mx-auto w-full max-w-3xl px-4 pb-4">
        <div className="flex items-end gap-2 rounded-xl border p-2 shadow-sm">
          <textarea
            value={input}
            onChange={(e) => setInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) submit(e);
            }}
            rows={2}
            placeholder="Message Switchboard"
            data-testid="composer-input"
            className="flex-1 resize-none px-2 py-1 outline-none"
          />
          <label className="flex items-center gap-1 text-xs text-zinc-600" title="Two models answer side by side; you pick the better one">
            <input type="checkbox" checked={compareMode} onChange={(e) => setCompareMode(e.target.checked)} data-testid="compare-toggle" />
            Compare
          </label>
          <select value={pickedModel} onChange={(e) => setPickedModel(e.target.value)} data-testid="model-picker" className="rounded-md border px-2 py-1 text-sm" title="Answer with a specific model">
            <option value="">Auto (router)</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.displayName}
              </option>
            ))}
          </select>
          {busy ? (
            <button
              type="button"
              onClick={() => {
                if (lastId) setStoppedIds((ids) => new Set(ids).add(lastId));
                void stop();
              }}
              data-testid="stop" className="rounded-md bg-zinc-200 px-3 py-1.5 text-sm">
              Stop
            </button>
          ) : (
            <button type="submit" data-testid="send" disabled={!input.trim()} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm text-white disabled:opacity-40">
              Send
            </button>
          )}
        </div>
        {!busy && messages.some((m) => m.role === "assistant") && (
          <button
            type="button"
            onClick={() => {
              override.current = pickedModel || undefined;
              void regenerate();
            }}
            data-testid="regenerate"
            className="mt-2 text-xs text-zinc-600 underline"
          >
            Regenerate answer
          </button>
        )}
      </form>
    </div>
  );
}
