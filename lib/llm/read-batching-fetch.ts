import "server-only";
import { request } from "undici";

/**
 * The `fetch` the model providers call. Node's own fetch hands each network
 * read of a streamed reply through its web-stream body and then the AI SDK's
 * decode, SSE-parse and convert stages: about 165 µs of CPU per read on Node 20,
 * paid once per token of a model streaming at a usual pace (bench/llm-stream).
 * This one reads with undici's `request` (the library under Node's fetch, with
 * a Node stream body) and passes an event stream's bytes on at most once per
 * `windowMs`, all that arrived meanwhile in one piece. Reads go on at once until
 * one carries text (the first token: providers send a role-only event first,
 * often in its own read just before it), and so does the first read after a
 * quiet spell. Other bodies pass on as they arrive. Connection failures read as Node's fetch reports them
 * (`TypeError("fetch failed")` with the cause), so the SDK's error handling is
 * unchanged. Redirects are not followed: an OpenAI-compatible endpoint answers
 * where it is configured.
 */
export function readBatchingFetch(windowMs: number): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : input;
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(url, {
        method: (init?.method ?? "GET") as "GET",
        headers: Object.fromEntries(new Headers(init?.headers)),
        body: init?.body as string | Uint8Array | undefined,
        signal: init?.signal ?? undefined,
      });
    } catch (error) {
      if (error instanceof Error && error.name === "AbortError") throw error;
      throw new TypeError("fetch failed", { cause: error });
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    const eventStream = headers.get("content-type")?.startsWith("text/event-stream") ?? false;
    const body = answer.statusCode === 204 || answer.statusCode === 304 ? null : batchedBody(answer.body, eventStream ? windowMs : 0);
    return new Response(body, { status: answer.statusCode, headers });
  };
}

type NodeBody = Awaited<ReturnType<typeof request>>["body"];

/**
 * A chat-completion event with a non-empty text: `content` (and `reasoning_content`) or a tool call's `arguments`.
 * The role-only first event has `"content":""`.
 */
const CARRIES_TEXT = /(?:content|arguments)"\s*:\s*"[^"]/;

/** The body as a web stream that takes one piece per `windowMs` at most, once text has arrived: everything read since the last one. */
function batchedBody(body: NodeBody, windowMs: number): ReadableStream<Uint8Array> {
  let pending: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sentAt = -Infinity;
  let textSeen = false;
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = () => {
        timer = undefined;
        if (pending.length === 0) return;
        controller.enqueue(pending.length === 1 ? pending[0] : Buffer.concat(pending));
        pending = [];
        sentAt = performance.now();
      };
      body.on("data", (chunk: Buffer) => {
        pending.push(chunk);
        if (timer) return;
        if (!textSeen) {
          textSeen = windowMs > 0 && CARRIES_TEXT.test(chunk.toString("latin1"));
          send();
          return;
        }
        const wait = sentAt + windowMs - performance.now();
        if (wait <= 0) send();
        else timer = setTimeout(send, wait);
      });
      body.on("end", () => {
        clearTimeout(timer);
        send();
        controller.close();
      });
      body.on("error", (error) => {
        clearTimeout(timer);
        if (!cancelled) controller.error(error);
      });
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      body.destroy();
    },
  });
}
