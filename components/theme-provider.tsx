"use client";

import { ThemeProvider as NextThemes } from "next-themes";

/** Light and dark themes as a class on <html>, following the system until the user picks one. */
export function ThemeProvider({ children }: { children: React.ReactNode }) {
  return (
    <NextThemes attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      {children}
    </NextThemes>
  );
}
