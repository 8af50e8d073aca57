"use client";

import { useState } from "react";
import { detailOf, percentOf, sendForm, startErrorInWords } from "./send-form";

/**
 * An upload form's state: the progress while its files travel and its error in words. `send`
 * answers the body of an accepted answer (the form then moves on, the bar staying full), or
 * null after saying why not; `what` names the work in those words ("the reframe").
 */
export function useUpload(what: string) {
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (message: string) => {
    setPercent(null);
    setError(message);
  };
  async function send(url: string, form: FormData, accepted: number): Promise<Record<string, unknown> | null> {
    setError(null);
    setPercent(0);
    const { status, body } = await sendForm(url, form, (loaded, total) => setPercent(percentOf(loaded, total)));
    if (status === accepted && body) return body;
    fail(startErrorInWords(status, detailOf(body), what));
    return null;
  }
  return { percent, error, setError, send, fail };
}
