import "server-only";

/**
 * Merges text deltas that arrive within `windowMs` of the last one passed on,
 * so a model streaming word-sized chunks costs one UI-stream chunk (JSON, SSE
 * framing, socket write, client-side parse) per window instead of one per
 * word. The first delta goes out at once; text never waits longer than the window.
 */
export async function* coalesceDeltas(deltas: AsyncIterator<string>, windowMs: number): AsyncGenerator<string> {
  let pending = "";
  let sentAt = -Infinity;
  let next = deltas.next();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const due = pending ? new Promise<"due">((resolve) => (timer = setTimeout(resolve, Math.max(0, sentAt + windowMs - performance.now()), "due"))) : null;
      const step = due ? await Promise.race([next, due]) : await next;
      clearTimeout(timer);
      if (step !== "due") {
        if (step.done) break;
        pending += step.value;
        next = deltas.next();
      }
      if (step === "due" || performance.now() - sentAt >= windowMs) {
        yield pending;
        pending = "";
        sentAt = performance.now();
      }
    }
    if (pending) yield pending;
  } finally {
    await deltas.return?.();
  }
}
