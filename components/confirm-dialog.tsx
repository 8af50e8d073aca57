"use client";

import { useEffect, useId, useRef } from "react";

/**
 * A modal question before something that cannot be undone: the browser's own <dialog> opened
 * with showModal(), so focus moves into it and stays there, Escape closes it, and the page
 * behind is inert. Labelled by its title and described by its text for screen readers.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy = false,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const textId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      // The safe choice takes the focus: Enter alone does not delete anything.
      cancel.current?.focus();
    }
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      aria-describedby={textId}
      onClose={onClose}
      onCancel={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl text-left border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
      data-testid="confirm-dialog"
    >
      <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
      <div id={textId} className="mt-2 text-sm text-slate-600">{children}</div>
      <div className="mt-6 flex justify-end gap-3">
        <button ref={cancel} type="button" onClick={onClose} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
          Keep it
        </button>
        <button type="button" disabled={busy} onClick={onConfirm} className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60">
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
