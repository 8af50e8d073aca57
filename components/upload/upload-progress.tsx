/** The bar under an upload form while its files travel. */
export function UploadProgress({ percent, label = "Uploading…" }: { percent: number; label?: string }) {
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        <span data-testid="upload-percent">{percent}%</span>
      </div>
      <div className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Upload progress" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** An error said in words, under a form. */
export function FormError({ message, testId = "upload-error" }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid={testId}>
      {message}
    </p>
  );
}

/** The end of an upload form: the bar while sending, the error, and the submit button (busy while sending). */
export function UploadFooter({ percent, error, action }: { percent: number | null; error: string | null; action: string }) {
  return (
    <>
      {percent !== null && <UploadProgress percent={percent} label={percent < 100 ? "Uploading…" : "Starting…"} />}
      <FormError message={error} />
      <button disabled={percent !== null} className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {percent !== null ? "Uploading…" : action}
      </button>
    </>
  );
}
