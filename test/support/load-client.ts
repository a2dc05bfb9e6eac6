/** A cookie-keeping HTTP client for the load and fault runs; reads chat streams to their end. */
export type ChatResult = {
  status: number;
  /** The assistant turn the server announced in the stream's start part. */
  turnId: string | null;
  modelId: string | null;
  /** The stream ended with a finish part and no error part: the client saw a complete answer. */
  completed: boolean;
  error: string | null;
  /** The Retry-After header of a refused request (429, 503). */
  retryAfter: string | null;
  ms: number;
  /** Until the first text delta arrived; null when none did. */
  ttftMs: number | null;
};

export type RateResult = { status: number; error: string | null; retryAfter: string | null; ms: number };

export class LoadClient {
  private cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly email: string,
    private readonly ip: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, { method = "GET", json }: { method?: string; json?: unknown } = {}): Promise<Response> {
    const cookie = this.cookieHeader();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: "manual",
      headers: { "x-forwarded-for": this.ip, ...(json !== undefined ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}) },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  async register(password: string): Promise<void> {
    const response = await this.request("/api/register", { method: "POST", json: { email: this.email, password } });
    if (response.status !== 201) throw new Error(`register ${this.email}: ${response.status} ${await response.text()}`);
  }

  async createSession(): Promise<string> {
    const response = await this.request("/api/sessions", { method: "POST", json: {} });
    if (response.status !== 201) throw new Error(`create session: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { session: { id: string } }).session.id;
  }

  async chat(chatSessionId: string, text: string, extra: Record<string, unknown> = {}): Promise<ChatResult> {
    const started = performance.now();
    let response: Response;
    try {
      response = await this.request("/api/chat", { method: "POST", json: { trigger: "submit-message", chatSessionId, text, ...extra } });
    } catch (err) {
      return {
        status: 0,
        turnId: null,
        modelId: null,
        completed: false,
        error: `network: ${(err as Error).message}`,
        retryAfter: null,
        ms: performance.now() - started,
        ttftMs: null,
      };
    }
    const retryAfter = response.headers.get("retry-after");
    let body = "";
    let ttftMs: number | null = null;
    try {
      const decoder = new TextDecoder();
      for await (const chunk of response.body ?? []) {
        body += decoder.decode(chunk, { stream: true });
        if (ttftMs === null && body.includes('"type":"text-delta"')) ttftMs = performance.now() - started;
      }
    } catch (err) {
      return {
        status: response.status,
        turnId: null,
        modelId: null,
        completed: false,
        error: `stream: ${(err as Error).message}`,
        retryAfter,
        ms: performance.now() - started,
        ttftMs,
      };
    }
    const ms = performance.now() - started;
    if (response.status !== 200)
      return { status: response.status, turnId: null, modelId: null, completed: false, error: body.slice(0, 300), retryAfter, ms, ttftMs: null };
    let turnId: string | null = null;
    let modelId: string | null = null;
    let finished = false;
    let error: string | null = null;
    for (const line of body.split("\n")) {
      if (!line.startsWith("data: {")) continue;
      const part = JSON.parse(line.slice(6)) as { type: string; errorText?: string; messageMetadata?: { turnId?: string; modelId?: string } };
      if (part.type === "start") {
        turnId = part.messageMetadata?.turnId ?? null;
        modelId = part.messageMetadata?.modelId ?? null;
      }
      if (part.type === "finish") finished = true;
      if (part.type === "error") error = part.errorText ?? "error";
    }
    return { status: 200, turnId, modelId, completed: finished && error === null, error, retryAfter, ms, ttftMs };
  }

  /** `error` is the body of a refused rating. */
  async rate(turnId: string, stars: number): Promise<RateResult> {
    const started = performance.now();
    try {
      const response = await this.request("/api/ratings", { method: "PUT", json: { turnId, stars } });
      const body = await response.text();
      return {
        status: response.status,
        error: response.ok ? null : body.slice(0, 300),
        retryAfter: response.headers.get("retry-after"),
        ms: performance.now() - started,
      };
    } catch (err) {
      return { status: 0, error: `network: ${(err as Error).message}`, retryAfter: null, ms: performance.now() - started };
    }
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
