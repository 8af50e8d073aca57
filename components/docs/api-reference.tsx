"use client";

import Script from "next/script";
import { useEffect, useRef, useState } from "react";

type SwaggerUi = (options: { url: string; domNode: HTMLElement; deepLinking: boolean; docExpansion: string }) => unknown;

declare global {
  interface Window {
    SwaggerUIBundle?: SwaggerUi;
  }
}

/** Swagger UI over GET /openapi.json, from swagger-ui-dist as this server serves it (/docs/assets). */
export function ApiReference() {
  const target = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (!target.current) return;
    if (!loaded && !window.SwaggerUIBundle) return;
    window.SwaggerUIBundle?.({ url: "/openapi.json", domNode: target.current, deepLinking: false, docExpansion: "list" });
  }, [loaded]);
  return (
    <>
      {/* eslint-disable-next-line @next/next/no-css-tags -- the stylesheet ships with the package, not with our CSS */}
      <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
      <Script src="/docs/assets/swagger-ui-bundle.js" strategy="afterInteractive" onReady={() => setLoaded(true)} />
      <div ref={target} className="api-reference overflow-x-auto rounded-xl border border-slate-200 bg-white" data-testid="api-reference" />
    </>
  );
}
