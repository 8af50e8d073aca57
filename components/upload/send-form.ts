/**
 * Sends a multipart form with XMLHttpRequest, whose upload events give a real progress bar
 * (fetch has none). Answers the status and the JSON body (null when the body is not JSON); a
 * dropped connection answers status 0.
 */
export function sendForm(url: string, form: FormData, onProgress: (loaded: number, total: number) => void): Promise<{ status: number; body: Record<string, unknown> | null }> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.upload.onprogress = (progress) => onProgress(progress.loaded, progress.total);
    request.onload = () => resolve({ status: request.status, body: jsonOrNull(request.responseText) });
    request.onerror = () => resolve({ status: 0, body: null });
    request.send(form);
  });
}

function jsonOrNull(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The `detail` of an error answer, if it has one. */
export function detailOf(body: Record<string, unknown> | null): string | undefined {
  return typeof body?.detail === "string" ? body.detail : undefined;
}

/** A progress bar for an upload, with its percent. */
export function percentOf(loaded: number, total: number): number {
  return Math.round((loaded / Math.max(1, total)) * 100);
}

/**
 * A failed start said in words: `what` names the work ("the reframe"). The server's own
 * sentence is kept where it is the caller's to fix (a 4xx), the rest is said for it.
 */
export function startErrorInWords(status: number, detail: string | undefined, what: string): string {
  const text = (detail ?? "").trim();
  if (status === 0) return "The connection dropped during the upload: check the network and try again";
  const tooLarge = /exceeds (\d+\s*[KMG]B) limit/i.exec(text);
  if (status === 413 || tooLarge) return `This file is too large${tooLarge ? `: the limit is ${tooLarge[1]}` : ""}. Trim or compress it and try again`;
  if (status === 401) return `Sign in to start ${what}`;
  if (status === 429) return "Too much started for now: wait a while and try again";
  if (/^Invalid file format$/i.test(text)) return "This file is not a video we can read: choose an MP4, MOV, MKV or AVI file";
  if (text && status < 500) return text.replace(/^Request body '([^']+)': /, "$1: ");
  return `The server could not start ${what}: try again in a moment`;
}
