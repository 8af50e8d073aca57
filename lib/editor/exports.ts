import type { Shot } from "@/lib/shots/detect-shots";

/**
 * Text formats export writes. Scenes: CSV (`index,start,end,duration,score`) and a CMX 3600
 * EDL, one cut per shot at the video's frame rate (non-drop-frame timecode).
 */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

export function scenesCsv(shots: Shot[]): string {
  return toCsv(["index", "start", "end", "duration", "score"], shots.map((s) => [s.index, s.start.toFixed(3), s.end.toFixed(3), (s.end - s.start).toFixed(3), s.score ?? ""]));
}

export function timecode(seconds: number, fps: number): string {
  const rate = Math.max(1, Math.round(fps));
  const frames = Math.round(seconds * rate);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(frames / (3600 * rate)))}:${pad(Math.floor(frames / (60 * rate)) % 60)}:${pad(Math.floor(frames / rate) % 60)}:${pad(frames % rate)}`;
}

export function scenesEdl(shots: Shot[], options: { title: string; fps: number; clipName: string }): string {
  const lines = [`TITLE: ${options.title.replace(/[\r\n]/g, " ")}`, "FCM: NON-DROP FRAME", ""];
  shots.forEach((shot, index) => {
    const event = String(index + 1).padStart(3, "0");
    const src = `${timecode(shot.start, options.fps)} ${timecode(shot.end, options.fps)}`;
    lines.push(`${event}  AX       V     C        ${src} ${src}`, `* FROM CLIP NAME: ${options.clipName.replace(/[\r\n]/g, " ")}`, "");
  });
  return lines.join("\n");
}
