import path from "node:path";

/**
 * Which videos Framewise accepts. Both the probed container and the file extension must be on
 * this list: the extension is what users and the server-video picker see, the container is
 * what ffmpeg will actually demux.
 */
export const SUPPORTED_CONTAINERS = ["mp4", "mov", "mkv", "avi"] as const;
export type SupportedContainer = (typeof SUPPORTED_CONTAINERS)[number];

const EXTENSION_CONTAINERS: Record<string, SupportedContainer> = {
  ".mp4": "mp4",
  ".m4v": "mp4",
  ".mov": "mov",
  ".mkv": "mkv",
  ".avi": "avi",
};

export const SUPPORTED_VIDEO_EXTENSIONS = Object.keys(EXTENSION_CONTAINERS);

export function containerForExtension(fileName: string): SupportedContainer | undefined {
  return EXTENSION_CONTAINERS[path.extname(fileName).toLowerCase()];
}

export function isSupportedVideoName(fileName: string): boolean {
  return containerForExtension(fileName) !== undefined;
}

/**
 * Maps ffprobe's `format_name` (a comma list of demuxer aliases) to one short container name.
 * The mov demuxer serves mp4 and mov alike; the major brand tells them apart.
 */
export function containerFromFormat(formatName: string, majorBrand?: string, fileName?: string): string {
  const names = formatName.split(",").map((name) => name.trim());
  if (names.includes("mov") || names.includes("mp4")) {
    if (majorBrand?.trim() === "qt") return "mov";
    if (majorBrand) return "mp4";
    return fileName && path.extname(fileName).toLowerCase() === ".mov" ? "mov" : "mp4";
  }
  if (names.includes("matroska")) {
    return fileName && path.extname(fileName).toLowerCase() === ".webm" ? "webm" : "mkv";
  }
  return names[0] ?? "unknown";
}

/** Demuxers that read single pictures; ffprobe shows them as a one-frame "video" stream. */
export function isImageFormat(formatName: string): boolean {
  return formatName.split(",").some((name) => name === "image2" || name.endsWith("_pipe") || name === "gif");
}
