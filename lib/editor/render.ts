import { writeFile } from "node:fs/promises";
import { execFfmpeg, ffmpegInput } from "@/lib/media/ffmpeg";
import { produceFileAtomic } from "@/lib/storage/write-file";
import type { Cue } from "@/lib/speech/transcript";
import type { OverlayPosition } from "./overlay-positions";

/**
 * The editor's one render graph (render and generate_clip): segments of one or more videos
 * concatenated, each scaled to the output frame (an `aspect` follows the subject with the
 * reframer's crop when the segment carries one, ./subject-crops.ts, else crops the centre),
 * optional short fades at each segment's ends, captions burned in with libass, a text and an
 * image overlay, loudness normalised with loudnorm, H.264/AAC MP4 with +faststart. Progress
 * comes from ffmpeg's `-progress` output.
 */
export type TimelineSegment = {
  file: string;
  in: number;
  out: number;
  hasAudio: boolean;
  width: number;
  height: number;
  /**
   * The subject-following crop (lib/framing/subject-crop.ts): a `width` x `height` window of
   * the source moved along `axis` by the `sendcmd` lines in `commandsFile` (on the segment's
   * clock), starting at `offset`.
   */
  crop?: { width: number; height: number; axis: "x" | "y"; offset: number; commandsFile: string };
};


export type RenderSpec = {
  segments: TimelineSegment[];
  /** Output lines (even); the width follows the aspect, or the first segment's shape. */
  height: number;
  aspect?: { w: number; h: number };
  fade?: number;
  /** An .ass file (captionsAss) to burn in. */
  assFile?: string;
  /** A text file whose text is drawn over the picture, and where. */
  overlay?: { textFile: string; position: OverlayPosition; start?: number; end?: number };
  /** A picture laid over the frame: `scale` of the output width wide, `opacity` 0..1, where. */
  image?: { file: string; position: OverlayPosition; scale: number; opacity: number; start?: number; end?: number };
  /** Integrated loudness target in LUFS; null keeps the sound as it is. */
  loudnessTarget: number | null;
  fps?: number;
};

export const OVERLAY_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/** `9:16` and the like, or null for a bad value. */
export function parseAspect(value: string): { w: number; h: number } | null {
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) return null;
  return { w: Number(match[1]), h: Number(match[2]) };
}

export function outputSize(spec: Pick<RenderSpec, "height" | "aspect" | "segments">): { width: number; height: number } {
  const height = Math.round(spec.height / 2) * 2;
  const ratio = spec.aspect ? spec.aspect.w / spec.aspect.h : spec.segments[0].width / spec.segments[0].height;
  return { width: Math.max(2, Math.round((height * ratio) / 2) * 2), height };
}

/** Escapes a value for a filter graph option written inside single quotes. */
function quoted(value: string): string {
  if (/^[\w/.-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * Where an overlay goes: a margin of 4% of the frame's width from the edges it is placed
 * against (6% of the height for top and bottom), centred along the other axis.
 */
function placement(position: OverlayPosition, w: string, h: string, frameW: string, frameH: string): { x: string; y: string } {
  const margin = `${frameW}*0.04`;
  const centreX = `(${frameW}-${w})/2`;
  const x = position.endsWith("left") ? margin : position.endsWith("right") ? `${frameW}-${w}-${margin}` : centreX;
  const y = position.startsWith("top")
    ? position === "top" ? `${frameH}*0.06` : margin
    : position.startsWith("bottom")
      ? position === "bottom" ? `${frameH}-${h}-${frameH}*0.06` : `${frameH}-${h}-${margin}`
      : `(${frameH}-${h})/2`;
  return { x, y };
}

function enableBetween(window: { start?: number; end?: number }): string {
  return window.start !== undefined || window.end !== undefined ? `:enable='between(t,${window.start ?? 0},${window.end ?? 1e9})'` : "";
}

export function timelineDuration(segments: TimelineSegment[]): number {
  return segments.reduce((sum, s) => sum + (s.out - s.in), 0);
}

export function renderArgs(spec: RenderSpec, output: string): string[] {
  const { width, height } = outputSize(spec);
  const fps = spec.fps ?? 30;
  const inputs: string[] = [];
  const graph: string[] = [];
  const pairs: string[] = [];
  spec.segments.forEach((segment, k) => {
    const duration = segment.out - segment.in;
    inputs.push("-ss", segment.in.toFixed(3), "-t", duration.toFixed(3), "-i", ffmpegInput(segment.file));
    const crop = segment.crop;
    const fit = crop
      ? `sendcmd=f=${quoted(crop.commandsFile)},crop@s${k}=w=${crop.width}:h=${crop.height}:x=${crop.axis === "x" ? crop.offset : 0}:y=${crop.axis === "y" ? crop.offset : 0}:exact=1,scale=${width}:${height}`
      : spec.aspect
      ? `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`
      : `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`;
    const fades = spec.fade ? `,fade=t=in:st=0:d=${spec.fade},fade=t=out:st=${Math.max(0, duration - spec.fade).toFixed(3)}:d=${spec.fade}` : "";
    graph.push(`[${k}:v:0]${fit},setsar=1,fps=${fps},format=yuv420p,setpts=PTS-STARTPTS${fades}[v${k}]`);
    const audioFades = spec.fade ? `,afade=t=in:st=0:d=${spec.fade},afade=t=out:st=${Math.max(0, duration - spec.fade).toFixed(3)}:d=${spec.fade}` : "";
    if (segment.hasAudio) {
      graph.push(`[${k}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,asetpts=PTS-STARTPTS,apad,atrim=0:${duration.toFixed(3)}${audioFades}[a${k}]`);
    } else {
      graph.push(`anullsrc=r=48000:cl=stereo,atrim=0:${duration.toFixed(3)},aformat=sample_fmts=fltp[a${k}]`);
    }
    pairs.push(`[v${k}][a${k}]`);
  });
  graph.push(`${pairs.join("")}concat=n=${spec.segments.length}:v=1:a=1[cv][ca]`);
  let video = "cv";
  if (spec.assFile) {
    graph.push(`[${video}]ass=filename=${quoted(spec.assFile)}[cap]`);
    video = "cap";
  }
  if (spec.image) {
    const image = spec.image;
    inputs.push("-i", ffmpegInput(image.file));
    const imageWidth = Math.max(2, Math.round((width * image.scale) / 2) * 2);
    const fade = image.opacity < 1 ? `,colorchannelmixer=aa=${image.opacity.toFixed(3)}` : "";
    const place = placement(image.position, "overlay_w", "overlay_h", "main_w", "main_h");
    graph.push(`[${spec.segments.length}:v:0]scale=${imageWidth}:-2,format=rgba${fade}[img]`);
    graph.push(`[${video}][img]overlay=x=${place.x}:y=${place.y}:eof_action=repeat:format=auto${enableBetween(image)},format=yuv420p[im]`);
    video = "im";
  }
  if (spec.overlay) {
    const place = placement(spec.overlay.position, "text_w", "text_h", "w", "h");
    graph.push(
      `[${video}]drawtext=fontfile=${quoted(OVERLAY_FONT)}:textfile=${quoted(spec.overlay.textFile)}:fontsize=h*0.05:fontcolor=white:borderw=3:bordercolor=black:x=${place.x}:y=${place.y}${enableBetween(spec.overlay)}[ov]`,
    );
    video = "ov";
  }
  let audio = "ca";
  if (spec.loudnessTarget !== null) {
    graph.push(`[ca]loudnorm=I=${spec.loudnessTarget}:TP=-1.5:LRA=11,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[ln]`);
    audio = "ln";
  }
  return [
    "-y",
    ...inputs,
    "-filter_complex", graph.join(";"),
    "-map", `[${video}]`, "-map", `[${audio}]`,
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-b:a", "160k", "-ar", "48000",
    "-movflags", "+faststart", "-f", "mp4", `file:${output}`,
  ];
}

export async function renderTimeline(spec: RenderSpec, output: string, options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {}): Promise<{ duration: number; width: number; height: number }> {
  const duration = timelineDuration(spec.segments);
  await produceFileAtomic(output, async (partial) => {
    await execFfmpeg(renderArgs(spec, partial), {
      signal: options.signal,
      onTime: (seconds) => options.onProgress?.(duration > 0 ? Math.min(1, seconds / duration) : 0),
    });
  });
  return { duration, ...outputSize(spec) };
}

function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(cs % 100).padStart(2, "0")}`;
}

/**
 * Captions styled for phones: bold DejaVu Sans about 6% of the frame height, white with a
 * thick black outline and shadow, centred in the lower third, at most two short lines.
 */
export function captionsAss(cues: Cue[], width: number, height: number): string {
  const size = Math.round(height * 0.06);
  const lines = [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    `Style: Phone,DejaVu Sans,${size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,${Math.max(2, Math.round(size / 10))},1,2,${Math.round(width * 0.06)},${Math.round(width * 0.06)},${Math.round(height * 0.14)},1`,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...cues.map((cue) => `Dialogue: 0,${assTime(cue.start)},${assTime(cue.end)},Phone,,0,0,0,,${cue.text.replace(/[{}\\]/g, "").replace(/\n/g, "\\N")}`),
  ];
  return `${lines.join("\n")}\n`;
}

export async function writeText(file: string, text: string): Promise<void> {
  await writeFile(file, text);
}
