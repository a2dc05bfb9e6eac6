import type { ChatMessage } from "@/lib/chat/ui-message";
import { Markdown } from "./markdown";
import { ModelBadge } from "./model-badge";

const STATUS_LABEL = { stopped: "Stopped", failed: "Failed" } as const;

function textOf(message: ChatMessage): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

export function Message({ message, streaming, stopped, streamError }: { message: ChatMessage; streaming: boolean; stopped: boolean; streamError?: string }) {
  const text = textOf(message);
  if (message.role === "user") {
    return (
      <div className="flex justify-end" data-testid="message-user">
        <div className="max-w-[80%] whitespace-pre-wrap rounded-2xl bg-zinc-900 px-4 py-2 text-white">{text}</div>
      </div>
    );
  }
  const meta = message.metadata;
  const status = streamError ? "failed" : stopped ? "stopped" : meta?.status;
  const error = streamError ?? meta?.error;
  return (
    <div className="flex flex-col gap-1" data-testid="message-assistant" data-status={streaming ? "streaming" : (status ?? "completed")}>
      <div className="flex items-center gap-2 text-xs text-zinc-500">
        {meta?.modelId && <ModelBadge modelId={meta.modelId} modelName={meta.modelName ?? meta.modelId} decision={meta.decision ?? null} />}
        {status && status in STATUS_LABEL && (
          <span data-testid="message-status" className={status === "failed" ? "text-red-600" : "text-amber-600"}>
            {STATUS_LABEL[status as keyof typeof STATUS_LABEL]}
          </span>
        )}
      </div>
      <div data-testid="message-content">{text ? <Markdown text={text} /> : streaming ? <span className="animate-pulse text-zinc-400">…</span> : null}</div>
      {error && (
        <p role="alert" data-testid="message-error" className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
