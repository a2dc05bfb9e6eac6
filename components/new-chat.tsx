"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import { Chat } from "./chat";
import type { ModelOption } from "./model-picker";

/**
 * The chat at `/`. Its first message turns the URL into /chat/<id> in place
 * (no remount, so the reply keeps streaming); coming back to `/` ("New chat",
 * Ctrl+Shift+O) renders the same page again, so a new key starts a fresh chat.
 */
export function NewChat({ models, maxChars }: { models: ModelOption[]; maxChars: number }) {
  const pathname = usePathname();
  const [seen, setSeen] = useState(pathname);
  const [generation, setGeneration] = useState(0);
  if (pathname !== seen) {
    setSeen(pathname);
    if (pathname === "/") setGeneration((g) => g + 1);
  }
  return <Chat key={generation} initialMessages={[]} models={models} maxChars={maxChars} />;
}
