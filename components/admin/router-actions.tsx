"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { sendJson } from "@/components/send-json";
import { buttonClass, Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";

type Run = {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed";
  progress: number;
  stage: string;
  error: string | null;
  routerVersionId: string | null;
};

const POLL_MS = 1_000;

/** A training run's progress, read every second until it ends. */
function RunProgress({ runId, onEnd }: { runId: string; onEnd: () => void }) {
  const [run, setRun] = useState<Run | null>(null);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      const response = await fetch(`/api/admin/router/runs/${runId}`).catch(() => null);
      const next = response?.ok ? ((await response.json()) as { run: Run }).run : null;
      if (stopped) return;
      if (next) setRun(next);
      if (next && (next.status === "succeeded" || next.status === "failed")) return onEnd();
      setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
    };
  }, [runId, onEnd]);

  const percent = Math.round((run?.progress ?? 0) * 100);
  const ended = run?.status === "succeeded" || run?.status === "failed";
  return (
    <div className="w-full space-y-1 sm:w-72" data-testid="retrain-progress" data-status={run?.status ?? "queued"} role="status">
      <div className="flex justify-between text-xs text-zinc-700">
        <span>
          {run?.status === "succeeded"
            ? `Finished: version ${run.routerVersionId ?? "—"} registered${run.stage.includes("activated") ? " and activated" : ""}.`
            : run?.status === "failed"
              ? "Retraining failed."
              : `Retraining: ${run?.stage ?? "starting"}`}
        </span>
        {!ended && <span>{percent}%</span>}
      </div>
      {!ended && (
        <div
          className="h-2 rounded bg-zinc-200"
          role="progressbar"
          aria-label="Retraining progress"
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <div className="h-2 rounded bg-zinc-800 transition-[width]" style={{ width: `${percent}%` }} />
        </div>
      )}
      {run?.error ? <p className="text-xs text-red-700">{run.error}</p> : null}
    </div>
  );
}

/** Retrain (confirmed, with live progress) and roll back to the shipped model. */
export function RouterActions({ runningId, shippedInUse }: { runningId: string | null; shippedInUse: boolean }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(runningId);
  const [busy, setBusy] = useState(false);

  async function retrain() {
    setBusy(true);
    setMessage(null);
    const sent = await sendJson("POST", "/api/admin/router/retrain", {});
    setBusy(false);
    if (!sent.ok) return setMessage(sent.error);
    setRunId((sent.json as { run: { id: string } }).run.id);
    router.refresh();
  }

  async function rollback() {
    setBusy(true);
    const sent = await sendJson("POST", "/api/admin/router/versions/default/activate", {});
    setBusy(false);
    setMessage(sent.ok ? "The shipped router model is active again." : sent.error);
    router.refresh();
  }

  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <Dialog>
        <DialogTrigger disabled={busy || runId !== null} data-testid="router-retrain" className={buttonClass.secondary}>
          Retrain now
        </DialogTrigger>
        <DialogContent
          title="Retrain the router now?"
          description="Trains a new router version from the app's ratings and compare votes (and MT-Bench). It takes several minutes and runs on this server; the new version is registered, and activated only if it beats the active one by the configured margin."
          testId="retrain-dialog"
        >
          <div className="flex justify-end gap-2">
            <DialogClose className={buttonClass.secondary}>Cancel</DialogClose>
            <DialogClose onClick={() => void retrain()} data-testid="router-retrain-confirm" className={buttonClass.primary}>
              Start retraining
            </DialogClose>
          </div>
        </DialogContent>
      </Dialog>
      {shippedInUse ? null : (
        <button type="button" disabled={busy} onClick={() => void rollback()} data-testid="router-rollback-default" className={buttonClass.secondary}>
          Roll back to shipped model
        </button>
      )}
      {runId ? <RunProgress runId={runId} onEnd={router.refresh} /> : null}
      {message ? (
        <span data-testid="router-action-message" role="status">
          {message}
        </span>
      ) : null}
    </div>
  );
}

export function ActivateVersionButton({ versionId }: { versionId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  async function activate() {
    const sent = await sendJson("POST", `/api/admin/router/versions/${encodeURIComponent(versionId)}/activate`, {});
    setError(sent.ok ? null : sent.error);
    if (sent.ok) router.refresh();
  }

  return (
    <>
      <button type="button" onClick={() => void activate()} data-testid="router-activate" className="underline">
        Activate
      </button>
      {error ? <span className="block text-xs text-red-700">{error}</span> : null}
    </>
  );
}
