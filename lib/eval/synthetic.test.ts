import { stat } from "node:fs/promises";
import { beforeAll, expect, it } from "vitest";
import { probeJson } from "@/lib/media/ffmpeg";
import { decodeFrames } from "@/lib/media/frames";
import { describeMedia, useTempDir } from "@/lib/media/test-setup";
import { HIDDEN_BELOW, makeSyntheticClips, plazaBackground, type SyntheticClip } from "./synthetic";

// One clip, made from scratch in a temporary folder (the plaza included): a few seconds, no worker.
describeMedia("makeSyntheticClips: the enter-leave clip", () => {
  const temp = useTempDir();
  let clip: SyntheticClip;

  beforeAll(async () => {
    [clip] = await makeSyntheticClips(temp.path, { only: ["enter-leave"] });
  });

  it("writes an H.264 mp4 of the size, rate and frame count the truth describes", async () => {
    expect(clip.name).toBe("enter-leave");
    const probe = (await probeJson(clip.file, ["-select_streams", "v:0", "-count_frames", "-show_entries", "stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames"])) as {
      streams: { codec_name: string; pix_fmt: string; width: number; height: number; r_frame_rate: string; nb_read_frames: string }[];
    };
    const [stream] = probe.streams;
    expect(stream).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p", width: clip.width, height: clip.height, r_frame_rate: `${clip.fps}/1` });
    expect(Number(stream.nb_read_frames)).toBe(clip.frames.length);
    expect(clip.frames.length).toBe(Math.round(clip.duration * clip.fps));
    expect(clip.duration).toBeGreaterThanOrEqual(10);
  });

  it("has truth that is consistent with itself", () => {
    clip.frames.forEach((frame, i) => {
      expect(frame.index).toBe(i);
      expect(frame.timestamp).toBeCloseTo(i / clip.fps, 6);
      for (const object of frame.objects) {
        expect(object.label).toBe("person");
        expect(object.visible).toBeGreaterThanOrEqual(HIDDEN_BELOW);
        expect(object.visible).toBeLessThanOrEqual(1);
        const { x, y, width, height } = object.box;
        expect(Math.min(x, y, width, height)).toBeGreaterThanOrEqual(0);
        expect(width).toBeGreaterThan(0);
        expect(x + width).toBeLessThanOrEqual(clip.width);
        expect(y + height).toBeLessThanOrEqual(clip.height);
      }
    });
    const seen = clip.frames.filter((frame) => frame.objects.some((object) => object.id === 1));
    // Walks in from off-screen and out again: absent at both ends, one unbroken stretch between.
    expect(clip.frames[0].objects).toEqual([]);
    expect(clip.frames.at(-1)!.objects).toEqual([]);
    expect(seen.at(-1)!.index - seen[0].index + 1).toBe(seen.length);
    // Fully in the frame in the middle, at the person height the clips use (about 220 px).
    const middle = seen[seen.length >> 1].objects[0];
    expect(middle.visible).toBe(1);
    expect(middle.box.height).toBeGreaterThanOrEqual(180);
    expect(middle.box.height).toBeLessThanOrEqual(260);
    expect(clip.events).toEqual([
      { label: "person entering", time: seen[0].timestamp, trackId: 1 },
      { label: "person leaving", time: seen.at(-1)!.timestamp, trackId: 1 },
    ]);
    // Entering at the left edge, leaving at the right one.
    expect(seen[0].objects[0].box.x).toBe(0);
    expect(seen.at(-1)!.objects[0].box.x + seen.at(-1)!.objects[0].box.width).toBe(clip.width);
  });

  it("draws the person where the truth says, and only there", async () => {
    const plaza = await plazaBackground(temp.path);
    const checked = new Set([0, 30, 50, 70, clip.frames.length - 1]);
    const difference = (data: Buffer, box: { x: number; y: number; width: number; height: number }) => {
      let sum = 0;
      for (let y = box.y; y < box.y + box.height; y++) {
        for (let x = box.x; x < box.x + box.width; x++) {
          for (let c = 0; c < 3; c++) sum += Math.abs(data[(y * clip.width + x) * 3 + c] - plaza.data[(y * clip.width + x) * 3 + c]);
        }
      }
      return sum / (box.width * box.height * 3);
    };
    let frames = 0;
    for await (const frame of decodeFrames({ path: clip.file, fps: clip.fps })) {
      if (!checked.has(frame.index)) continue;
      frames++;
      const objects = clip.frames[frame.index].objects;
      // Away from the person, only the noise and the encoding differ from the plaza.
      const away = objects.length && objects[0].box.x < clip.width / 2 ? { x: clip.width - 200, y: 300, width: 200, height: 250 } : { x: 0, y: 300, width: 200, height: 250 };
      expect(difference(frame.data, away)).toBeLessThan(4);
      for (const { box } of objects) {
        const centre = { x: box.x + (box.width >> 1) - 3, y: box.y + (box.height >> 1) - 3, width: 7, height: 7 };
        expect(difference(frame.data, centre)).toBeGreaterThan(25);
      }
    }
    expect(frames).toBe(checked.size);
  });

  it("reuses a clip already made with the same script", async () => {
    const before = await stat(clip.file);
    const [again] = await makeSyntheticClips(temp.path, { only: ["enter-leave"] });
    expect(again.file).toBe(clip.file);
    expect((await stat(again.file)).mtimeMs).toBe(before.mtimeMs);
    expect(again.frames).toEqual(clip.frames);
    await expect(makeSyntheticClips(temp.path, { only: ["no-such-clip"] })).rejects.toThrow(/no synthetic clip named no-such-clip/);
  });
});
