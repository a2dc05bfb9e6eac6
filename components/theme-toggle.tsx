"use client";

import { Monitor, Moon, Sun } from "lucide-react";
import { useTheme } from "next-themes";
import { useEffect, useState } from "react";

const NEXT = { system: "light", light: "dark", dark: "system" } as const;
const LABEL = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" } as const;

/** Cycles system → light → dark; the icon shows the current choice. */
export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  // The stored choice is known only in the browser: render the neutral icon until mounted.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const current = mounted && (theme === "light" || theme === "dark") ? theme : "system";
  const Icon = current === "light" ? Sun : current === "dark" ? Moon : Monitor;
  return (
    <button
      type="button"
      onClick={() => setTheme(NEXT[current])}
      data-testid="theme-toggle"
      data-theme-choice={current}
      aria-label={`${LABEL[current]} (change)`}
      title={LABEL[current]}
      className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 hover:bg-zinc-200"
    >
      <Icon className="size-4" aria-hidden />
      <span>{LABEL[current]}</span>
    </button>
  );
}
