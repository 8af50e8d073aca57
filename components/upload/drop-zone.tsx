"use client";

import { useId, useRef, useState } from "react";
import { formatBytes } from "@/lib/format";

/** The video files every form takes (lib/media/formats.ts's list; that module is the server's). */
const VIDEO_EXTENSIONS = [".mp4", ".m4v", ".mov", ".mkv", ".avi"];
export const VIDEO_ACCEPT = `${VIDEO_EXTENSIONS.join(",")},video/*`;

/** A file a video form cannot take, said in words before anything is uploaded; null when it can. */
export function videoFileProblem(file: File): string | null {
  const extension = file.name.slice(file.name.lastIndexOf(".")).toLowerCase();
  return VIDEO_EXTENSIONS.includes(extension) ? null : `“${file.name}” is not a video we can read: choose an MP4, MOV, MKV or AVI file`;
}

/**
 * The drop zone every upload form shares (Analyse, Reframe, Enhance, Transcribe, Extract
 * features): a button (Tab to it, Enter or Space opens the file chooser) over a labelled file
 * input, so a keyboard alone can upload; dropping files on it works as well. The chosen files
 * are named on it. `multiple` lets it take several files at once.
 */
export function DropZone({
  label,
  hint,
  accept,
  files,
  onChoose,
  onRefuse,
  multiple = false,
  what = "a video",
  testId = "drop-zone",
  inputTestId = "file-input",
}: {
  /** The input's accessible name ("Video file"). */
  label: string;
  hint: string;
  accept: string;
  files: File[];
  onChoose: (files: File[]) => void;
  /** Told when a chosen file is refused (a video zone takes video files only); nothing is chosen then. */
  onRefuse?: (problem: string) => void;
  multiple?: boolean;
  what?: string;
  testId?: string;
  inputTestId?: string;
}) {
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const chosen = (list: FileList | null | undefined) => {
    const picked = Array.from(list ?? []).slice(0, multiple ? undefined : 1);
    const problem = accept === VIDEO_ACCEPT ? picked.map(videoFileProblem).find(Boolean) : null;
    if (problem) onRefuse?.(problem);
    else if (picked.length) onChoose(picked);
  };
  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        chosen(e.dataTransfer.files);
      }}
    >
      <button
        type="button"
        onClick={() => input.current?.click()}
        data-testid={testId}
        aria-describedby={`${id}-hint`}
        className={`flex w-full cursor-pointer flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-10 text-center transition outline-none focus-visible:border-brand-600 focus-visible:ring-4 focus-visible:ring-brand-500/30 ${
          dragging ? "border-brand-500 bg-brand-50" : "border-slate-300 hover:border-slate-400"
        }`}
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-10 w-10 text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.5">
          <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
        </svg>
        {files.length ? (
          <span className="mt-3 break-all font-medium" data-testid="chosen-file">
            {files.length === 1 ? (
              <>
                {files[0].name} <span className="text-slate-500">({formatBytes(files[0].size)})</span>
              </>
            ) : (
              `${files.length} files (${formatBytes(files.reduce((sum, file) => sum + file.size, 0))})`
            )}
          </span>
        ) : (
          <span className="mt-3 text-slate-600">
            Drop {what} here, or <span className="font-medium text-brand-700">choose {multiple ? "files" : "a file"}</span>
          </span>
        )}
        <span id={`${id}-hint`} className="mt-1 text-xs text-slate-500">{hint}</span>
      </button>
      <label htmlFor={`${id}-input`} className="sr-only">{label}</label>
      {/* The button above is the one tab stop; the input stays in the page for the chooser and for labels. */}
      <input id={`${id}-input`} ref={input} type="file" multiple={multiple} tabIndex={-1} accept={accept} className="sr-only" data-testid={inputTestId} onChange={(e) => chosen(e.target.files)} />
    </div>
  );
}
