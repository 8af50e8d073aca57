"use client";

import { useEffect, useState } from "react";

/**
 * A JSON resource polled every `every` ms (the contracts that have no push) until `finished`
 * says its answer is final. `error`: the last refusal's `detail`; a dropped request is tried
 * again at the next tick.
 */
export function usePolled<T>(url: string, finished: (value: T) => boolean, every = 2000): { value: T | null; error: string | null } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = value !== null && finished(value);
  useEffect(() => {
    if (done) return;
    let stop = false;
    const poll = async () => {
      const response = await fetch(url).catch(() => null);
      if (stop || !response) return;
      const body = (await response.json().catch(() => null)) as (T & { detail?: string }) | null;
      if (stop) return;
      if (response.ok && body) setValue(body);
      else setError(body?.detail ?? "The server could not answer: reload the page to try again");
    };
    void poll();
    const timer = setInterval(() => void poll(), every);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [url, done, every]);
  return { value, error };
}
