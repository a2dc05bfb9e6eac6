import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { llmErrorForLog } from "@/lib/llm/reply-stream";

describe("what the log keeps of a failed model call", () => {
  it("keeps the status, the endpoint and the start of the response, never the conversation", () => {
    const error = new APICallError({
      message: "Bad Request",
      url: "http://llm.internal:8000/v1/chat/completions",
      requestBodyValues: {
        messages: [
          { role: "system", content: "SYSTEM-SECRET" },
          { role: "user", content: "my PRIVATE history" },
        ],
      },
      statusCode: 400,
      responseBody: `{"error":"context too long"}${" ".repeat(2_000)}`,
    });
    const logged = llmErrorForLog(error);
    expect(logged).toMatchObject({ type: "AI_APICallError", statusCode: 400, url: "http://llm.internal:8000/v1/chat/completions" });
    expect(logged.responseBody).toMatch(/^\{"error":"context too long"\}/);
    expect(String(logged.responseBody).length).toBe(500);
    const text = JSON.stringify(logged);
    expect(text).not.toContain("SYSTEM-SECRET");
    expect(text).not.toContain("PRIVATE");
  });

  it("keeps any other error's name, message and stack", () => {
    expect(llmErrorForLog(new TypeError("terminated"))).toMatchObject({
      type: "TypeError",
      message: "terminated",
      stack: expect.stringContaining("TypeError"),
    });
    expect(llmErrorForLog("plain")).toEqual({ value: "plain" });
  });
});
