import type { ChatMessage, DecisionSummary } from "@/lib/chat/ui-message";
import { Markdown } from "./markdown";
import { ModelBadge } from "./model-badge";
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
  const fellBackFrom = meta?.decision && !meta.decision.override && meta.modelId ? failedBefore(meta.decision, meta.modelId) : [];
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
      {fellBackFrom.length > 0 && (
        <p data-testid="message-fallback" className="text-xs text-amber-700">
          Answered by {meta?.modelName} after {fellBackFrom.join(", ")} failed.
        </p>
      )}
      <div data-testid="message-content">{text ? <Markdown text={text} /> : streaming ? <span className="animate-pulse text-zinc-400">…</span> : null}</div>
      {!streaming && status === "completed" && meta?.turnId && <RatingBar turnId={meta.turnId} initial={meta.rating ?? null} />}
      {error && (
        <p role="alert" data-testid="message-error" className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
