"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

/** Copies text to the clipboard and says so for two seconds. */
export function CopyButton({ text, label, testId, className = "" }: { text: () => string; label: string; testId: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      data-testid={testId}
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      onClick={() => {
        void navigator.clipboard?.writeText(text()).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2_000);
        });
      }}
      className={`inline-flex items-center gap-1 rounded p-1 text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 ${className}`}
    >
      {copied ? <Check className="size-3.5" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
      <span className="text-xs">{copied ? "Copied" : "Copy"}</span>
    </button>
  );
}
