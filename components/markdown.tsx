import ReactMarkdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";

/** Renders model output as GitHub-flavoured markdown with highlighted code; raw HTML is not rendered. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat leading-relaxed">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeHighlight]}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
