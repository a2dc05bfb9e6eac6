"use client";

import { useRef } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import "katex/dist/katex.min.css";
import { CopyButton } from "./copy-button";

/** A fenced code block with its language and a copy button above it. */
function CodeBlock({ children, ...props }: React.ComponentProps<"pre">) {
  const pre = useRef<HTMLPreElement>(null);
  const code = (children as { props?: { className?: string } } | undefined)?.props?.className ?? "";
  const language = /language-([\w+#-]+)/.exec(code)?.[1];
  return (
    <div className="my-2 min-w-0 overflow-hidden rounded-md border" data-testid="code-block">
      <div className="flex items-center justify-between bg-zinc-200 px-3 py-0.5 text-xs text-zinc-700">
        <span data-testid="code-language">{language ?? "code"}</span>
        <CopyButton text={() => pre.current?.textContent ?? ""} label="Copy code" testId="copy-code" />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long line scrolls sideways; the keyboard must reach it (axe scrollable-region-focusable). */}
      <pre ref={pre} tabIndex={0} {...props}>
        {children}
      </pre>
    </div>
  );
}

const components: Components = { pre: CodeBlock };

/** Renders model output as GitHub-flavoured markdown with highlighted code and LaTeX math ($…$, $$…$$); raw HTML is not rendered. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat min-w-0 leading-relaxed [overflow-wrap:anywhere]">
      <ReactMarkdown remarkPlugins={[remarkGfm, remarkMath]} rehypePlugins={[rehypeKatex, rehypeHighlight]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
