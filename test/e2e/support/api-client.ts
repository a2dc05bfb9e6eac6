import { randomBytes } from "node:crypto";
import { baseUrl } from "./browser";

/** A signed-in HTTP client that keeps its session cookie, for API-level tests. */
export class ApiClient {
  private cookies = new Map<string, string>();

  private constructor(readonly email: string) {}

  static anonymous(): ApiClient {
    return new ApiClient("");
  }

  static async register(prefix = "api"): Promise<ApiClient> {
    const client = new ApiClient(`${prefix}-${randomBytes(4).toString("hex")}@example.test`);
    const response = await client.request("/api/register", { method: "POST", json: { email: client.email, password: "correct horse battery" } });
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
    return client;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Takes over another client's cookies, as someone who copied them would. */
  adoptCookies(other: ApiClient): void {
    this.cookies = new Map(other.cookies);
  }

  async request(
    path: string,
    { method = "GET", json, body, headers = {} }: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      redirect: "manual",
      headers: { ...(json !== undefined || body !== undefined ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}), ...headers },
      body: json !== undefined ? JSON.stringify(json) : body,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  async createSession(): Promise<string> {
    const response = await this.request("/api/sessions", { method: "POST", json: {} });
    if (response.status !== 201) throw new Error(`create session failed: ${response.status}`);
    return ((await response.json()) as { session: { id: string } }).session.id;
  }

  /** Sends one chat turn and reads the whole UI message stream. */
  async chat(chatSessionId: string, text: string, extra: Record<string, unknown> = {}) {
    const response = await this.request("/api/chat", { method: "POST", json: { trigger: "submit-message", chatSessionId, text, ...extra } });
    return { status: response.status, body: await response.text() };
  }
}
