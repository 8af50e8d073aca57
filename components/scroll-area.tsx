"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A box that scrolls sideways when its content is wider than the screen, and says so: a line
 * "Scroll sideways to see every column" and a fading edge while there is more to the right. On
 * a phone a table cut at its edge otherwise looks complete. Focusable while it scrolls, so a
 * keyboard can scroll it too (the arrow keys), with `label` as its name.
 */
export function ScrollArea({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState<{ wider: boolean; atEnd: boolean }>({ wider: false, atEnd: true });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => {
      const wider = element.scrollWidth > element.clientWidth + 1;
      setOverflow({ wider, atEnd: !wider || element.scrollLeft + element.clientWidth >= element.scrollWidth - 1 });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    element.addEventListener("scroll", measure, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener("scroll", measure);
    };
  }, []);

  return (
    <div>
      {overflow.wider && (
        <p className="mb-1 text-xs text-slate-600" data-testid="scroll-hint">
          Scroll sideways to see every column →
        </p>
      )}
      <div className="relative">
        <div
          ref={box}
          className={`relative overflow-x-auto ${className}`}
          data-testid="scroll-area"
          data-overflowing={overflow.wider ? "true" : "false"}
          {...(overflow.wider ? { tabIndex: 0, role: "region", "aria-label": label } : {})}
        >
          {children}
        </div>
        {!overflow.atEnd && <div aria-hidden="true" className="pointer-events-none absolute inset-y-0 right-0 w-8 rounded-r-xl bg-gradient-to-l from-slate-900/15 to-transparent" />}
      </div>
    </div>
  );
}
