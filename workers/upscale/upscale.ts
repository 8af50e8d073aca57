import path from "node:path";
import * as ort from "../onnxruntime";
import { ffmpegInput, rawFrames, streamFfmpeg, writeFfmpeg } from "@/lib/media/ffmpeg";
import { produceFileAtomic } from "@/lib/storage/write-file";
import { MAX_UPSCALE_INPUT_PIXELS, MAX_UPSCALE_INPUT_SIZE } from "@/lib/inference/upscale-limit";
import { modelFiles } from "@/workers/inference/models/registry";

/**
 * The AI upscale: ESRGAN-slim (@upscalerjs/esrgan-slim, converted by workers/convert/keras-layers.ts)
 * run frame by frame. ffmpeg decodes the video to RGB on a pipe, each frame goes through the
 * model (NHWC 0-255 in and out), and the result is piped into an H.264 encoder, audio copied
 * across from the source. One frame is held at a time.
 */
export type UpscaleScale = 2 | 4;


export interface UpscaleOptions {
  input: string;
  output: string;
  /** ffmpeg muxer for the output (mp4, mov, matroska, avi). */
  format: string;
  scale: UpscaleScale;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  hasAudio: boolean;
  modelsDir: string;
  onProgress?: (done: number, total: number) => void;
}

export async function upscaleVideo(options: UpscaleOptions): Promise<{ frames: number; ms_per_frame: number; provider: string; width: number; height: number }> {
  const { width, height, scale } = options;
  if (width * height > MAX_UPSCALE_INPUT_PIXELS) throw new Error(`upscale takes videos up to ${MAX_UPSCALE_INPUT_PIXELS} pixels a frame (${MAX_UPSCALE_INPUT_SIZE}); this one is ${width}x${height}`);
  if (width % 2 || height % 2) throw new Error("upscale needs even frame sizes");
  const modelFile = path.join(options.modelsDir, modelFiles[scale === 2 ? "esrgan-slim-x2" : "esrgan-slim-x4"]);
  // One intra-op thread was fastest for this model on 2 cores (notes/offline-toolbox.md).
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, graphOptimizationLevel: "all", executionProviders: ["cpu"] });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const outWidth = width * scale;
  const outHeight = height * scale;
  const frameBytes = width * height * 3;
  const floats = new Float32Array(frameBytes);
  const pixels = new Uint8Array(outWidth * outHeight * 3);
  let frames = 0;
  let inferenceMs = 0;

  return produceFileAtomic(options.output, async (partial) => {
    const encoder = writeFfmpeg([
      "-v", "error", "-y",
      "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${outWidth}x${outHeight}`, "-r", String(options.fps || 25), "-i", "pipe:0",
      ...(options.hasAudio ? ["-i", ffmpegInput(options.input), "-map", "0:v:0", "-map", "1:a:0", "-c:a", "aac", "-b:a", "160k", "-shortest"] : ["-map", "0:v:0"]),
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
      ...(options.format === "mp4" || options.format === "mov" ? ["-movflags", "+faststart"] : []),
      "-f", options.format, ffmpegInput(partial),
    ]);
    try {
      const decode = ["-v", "error", "-i", ffmpegInput(options.input), "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", `scale=${width}:${height}`, "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"];
      for await (const frame of rawFrames(streamFfmpeg(decode), frameBytes)) {
        for (let i = 0; i < frameBytes; i++) floats[i] = frame[i];
        const started = performance.now();
        const result = await session.run({ [inputName]: new ort.Tensor("float32", floats, [1, height, width, 3]) });
        inferenceMs += performance.now() - started;
        const data = result[outputName].data as Float32Array;
        for (let i = 0; i < pixels.length; i++) pixels[i] = data[i] <= 0 ? 0 : data[i] >= 255 ? 255 : Math.round(data[i]);
        await encoder.write(pixels);
        frames++;
        options.onProgress?.(frames, Math.max(frames, options.frameCount));
      }
      await encoder.end();
    } catch (error) {
      encoder.kill();
      throw error;
    } finally {
      await session.release();
    }
    return { frames, ms_per_frame: frames ? Math.round(inferenceMs / frames) : 0, provider: "cpu", width: outWidth, height: outHeight };
  });
}
