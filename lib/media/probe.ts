import { open, stat } from "node:fs/promises";
import { AppError } from "@/lib/errors";
import { type FfprobeData, isRemoteInput, runFfprobe } from "./ffmpeg";
import { containerFromFormat, isImageFormat } from "./formats";

export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
  bitRate: number | null;
  language: string | null;
}

export interface VideoProbe {
  path: string;
  /** Short container name: mp4, mov, mkv, avi, or ffprobe's first demuxer name for others. */
  container: string;
  /** ffprobe's own `format_name`, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  /** Seconds; 0 when neither the container nor the stream says. */
  duration: number;
  /** Coded size of the first video stream (0 when there is none). */
  width: number;
  height: number;
  /** Size as shown after applying `rotation`. */
  displayWidth: number;
  displayHeight: number;
  fps: number;
  codec: string | null;
  pixelFormat: string | null;
  frameCount: number;
  /** Where frameCount came from: the container header, a packet count, or duration x fps. */
  frameCountSource: "container" | "counted" | "estimated";
  /** The frame count the container header declares, 0 when it declares none. */
  declaredFrameCount: number;
  /** Bits per second, container-wide; null when unknown. */
  bitRate: number | null;
  fileSize: number;
  hasVideo: boolean;
  isImage: boolean;
  audio: AudioStreamInfo[];
  /** Degrees (0, 90, 180, 270) as ffprobe reports the display matrix / rotate tag. */
  rotation: number;
  fieldOrder: string | null;
  /** True when ffprobe says the video is field-coded (tt, bb, tb, bt). */
  interlaced: boolean;
  raw: FfprobeData;
}

export interface ProbeOptions {
  /**
   * "auto" (default) counts packets only when the container omits a frame count or its count
   * disagrees with duration x fps; "always" counts; "never" estimates instead.
   */
  countFrames?: "auto" | "always" | "never";
  /** Original name, used to tell mov from mp4 when the brand is missing. */
  fileName?: string;
}

type Stream = FfprobeData["streams"][number];

function numberOrNull(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : null;
}

export function parseRate(rate: unknown): number {
  if (typeof rate === "number") return Number.isFinite(rate) && rate > 0 ? rate : 0;
  if (typeof rate !== "string") return 0;
  const [numerator, denominator = "1"] = rate.split("/");
  const value = Number(numerator) / Number(denominator);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function rotationOf(stream: Stream | undefined): number {
  if (!stream) return 0;
  const fromTag = numberOrNull(stream.tags?.rotate);
  // fluent-ffmpeg flattens [SIDE_DATA] keys into the stream, so the display matrix angle
  // arrives as stream.rotation.
  const fromSideData = numberOrNull((stream as Record<string, unknown>).rotation);
  const degrees = fromTag ?? fromSideData ?? 0;
  const normalised = ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
  return normalised;
}

/**
 * First bytes of the common video containers. Used only to word an error: a file that starts
 * like a video but cannot be probed is corrupt, anything else is not a video at all.
 */
export async function looksLikeVideoContainer(filePath: string): Promise<boolean> {
  if (isRemoteInput(filePath)) {
    const answer = await fetch(filePath, { headers: { Range: "bytes=0-15" } });
    return startsLikeVideo(Buffer.from(await answer.arrayBuffer()).subarray(0, 16));
  }
  const handle = await open(filePath, "r");
  try {
    const header = Buffer.alloc(16);
    const { bytesRead } = await handle.read(header, 0, 16, 0);
    return startsLikeVideo(header.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function startsLikeVideo(bytes: Buffer): boolean {
  if (bytes.length >= 8 && ["ftyp", "moov", "mdat", "wide", "free", "skip"].includes(bytes.toString("latin1", 4, 8))) return true;
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 11) === "AVI") return true;
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return true; // EBML: mkv/webm
  return false;
}

/**
 * The most specific thing ffprobe said, without the demuxer tags and the file path (server
 * paths must not reach users).
 */
export function ffprobeReason(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((line) =>
      line
        .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, "")
        .replace(/^file:.*?:\s(?=[A-Za-z])/, "")
        .trim(),
    )
    .filter((line) => line && !/^ffprobe exited with code/.test(line));
  const specific = lines.filter((line) => !/^Invalid data found when processing input$/i.test(line));
  return (specific.at(-1) ?? lines.at(-1) ?? "ffprobe could not read it").slice(0, 200);
}

/**
 * Turns an ffprobe failure into the message a user should read. ffprobe says "Invalid data
 * found" both for a text file and for a damaged header, so the file's first bytes decide.
 */
async function probeFailure(filePath: string, error: unknown): Promise<AppError> {
  const stderr = error instanceof Error ? error.message : String(error);
  const reason = ffprobeReason(stderr);
  // The mov demuxer is picked by extension, so a text file named .mp4 reports "moov atom not
  // found" just like a cut-off upload: only a real container signature makes it "corrupt".
  if (!(await looksLikeVideoContainer(filePath).catch(() => false))) {
    return new AppError("bad_request", "File is not a video", { code: "not_a_video" });
  }
  return new AppError("bad_request", `Video file is truncated or corrupt: ${reason}`);
}

async function countVideoPackets(filePath: string): Promise<number | null> {
  const data = await runFfprobe(filePath, ["-count_packets", "-select_streams", "v:0"]);
  return numberOrNull(data.streams[0]?.nb_read_packets);
}

/**
 * Probes a file with ffprobe and returns the facts the rest of Framewise relies on. Throws
 * AppError("not_found") for a missing file and AppError("bad_request") when ffprobe cannot
 * read it; whether the video is acceptable is validateVideo's job.
 */
export async function probeVideo(filePath: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const { countFrames = "auto" } = options;
  // A stored upload (a presigned read) was checked for emptiness as it was written.
  const info = isRemoteInput(filePath) ? null : await stat(filePath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") throw new AppError("not_found", "Video file not found");
    throw error;
  });
  if (info && !info.isFile()) throw new AppError("bad_request", "File is not a video", { code: "not_a_video" });
  if (info?.size === 0) throw new AppError("bad_request", "Video file is empty", { code: "empty_video" });

  let raw: FfprobeData;
  try {
    raw = await runFfprobe(filePath);
  } catch (error) {
    throw await probeFailure(filePath, error);
  }

  const format = raw.format ?? {};
  const formatName = String(format.format_name ?? "");
  const video = raw.streams.find((stream) => stream.codec_type === "video" && !stream.disposition?.attached_pic);
  const fps = parseRate(video?.avg_frame_rate) || parseRate(video?.r_frame_rate);
  const duration = numberOrNull(format.duration) ?? numberOrNull(video?.duration) ?? parseClock(video?.tags?.DURATION) ?? 0;

  const declaredFrameCount = numberOrNull(video?.nb_frames) ?? 0;
  let frameCount = declaredFrameCount;
  let frameCountSource: VideoProbe["frameCountSource"] = "container";
  const estimate = Math.round(duration * fps);
  // AVI headers of cut files and some muxers carry counts that disagree with the stream.
  const disagrees = estimate > 0 && Math.abs(frameCount - estimate) > Math.max(2, estimate * 0.02);
  if (video && (countFrames === "always" || (countFrames === "auto" && (frameCount <= 0 || disagrees)))) {
    const counted = await countVideoPackets(filePath).catch(() => null);
    if (counted !== null && counted > 0) {
      frameCount = counted;
      frameCountSource = "counted";
    }
  }
  if (frameCount <= 0 || (countFrames === "never" && disagrees)) {
    frameCount = estimate;
    frameCountSource = "estimated";
  }

  const width = numberOrNull(video?.width) ?? 0;
  const height = numberOrNull(video?.height) ?? 0;
  const rotation = rotationOf(video);
  const fieldOrder = typeof video?.field_order === "string" ? video.field_order : null;

  const audio: AudioStreamInfo[] = raw.streams
    .filter((stream) => stream.codec_type === "audio")
    .map((stream) => ({
      index: numberOrNull(stream.index) ?? 0,
      codec: String(stream.codec_name ?? "unknown"),
      channels: numberOrNull(stream.channels) ?? 0,
      sampleRate: numberOrNull(stream.sample_rate) ?? 0,
      bitRate: numberOrNull(stream.bit_rate),
      language: typeof stream.tags?.language === "string" ? stream.tags.language : null,
    }));

  return {
    path: filePath,
    container: containerFromFormat(formatName, format.tags?.major_brand as string | undefined, options.fileName ?? filePath),
    formatName,
    duration,
    width,
    height,
    displayWidth: rotation % 180 === 0 ? width : height,
    displayHeight: rotation % 180 === 0 ? height : width,
    fps,
    codec: video?.codec_name ? String(video.codec_name) : null,
    pixelFormat: video?.pix_fmt ? String(video.pix_fmt) : null,
    frameCount,
    frameCountSource,
    declaredFrameCount,
    bitRate: numberOrNull(format.bit_rate) ?? numberOrNull(video?.bit_rate),
    fileSize: numberOrNull(format.size) ?? info?.size ?? 0,
    hasVideo: Boolean(video),
    isImage: isImageFormat(formatName),
    audio,
    rotation,
    fieldOrder,
    interlaced: fieldOrder !== null && ["tt", "bb", "tb", "bt"].includes(fieldOrder),
    raw,
  };
}

/** Matroska stores per-stream duration as a tag "HH:MM:SS.nnnnnnnnn". */
function parseClock(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value.trim());
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) : null;
}
