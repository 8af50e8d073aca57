import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countFfprobeRuns } from "./ffmpeg";
import { decodeImage } from "./frames";
import { cropRgb, encodePpm, looksLikePpm, ppmHeader, readPpm } from "./ppm";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "framewise-ppm-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("binary PPM", () => {
  it("reads what ffmpeg writes, pixel for pixel, without running ffmpeg", async () => {
    const png = path.join(dir, "pattern.png");
    const ppm = path.join(dir, "pattern.ppm");
    await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=98x62", "-frames:v", "1", png]);
    await run("ffmpeg", ["-v", "error", "-y", "-i", png, "-pix_fmt", "rgb24", ppm]);
    const byFfmpeg = await decodeImage(png);
    const probes = countFfprobeRuns();
    const direct = await decodeImage(ppm);
    expect(countFfprobeRuns()).toBe(probes); // no ffprobe (and no ffmpeg) for a PPM
    expect(direct.width).toBe(98);
    expect(direct.height).toBe(62);
    expect(Buffer.compare(direct.data, byFfmpeg.data)).toBe(0);
  });

  it("writes crops that ffmpeg reads back as the same pixels", async () => {
    const data = Buffer.alloc(8 * 6 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const crop = cropRgb({ width: 8, height: 6, data }, { x: 2, y: 1, width: 5, height: 3 });
    expect([...crop.data.subarray(0, 3)]).toEqual([...data.subarray((1 * 8 + 2) * 3, (1 * 8 + 2) * 3 + 3)]);
    const file = path.join(dir, "crop.ppm");
    await writeFile(file, encodePpm(crop));
    const { stdout } = await run("ffmpeg", ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { encoding: "buffer" });
    expect(Buffer.compare(stdout, crop.data)).toBe(0);
    expect(await readPpm(file)).toEqual(crop);
  });

  it("refuses what is not an 8-bit binary PPM, or is cut short", async () => {
    expect(ppmHeader(Buffer.from("P6\n# made here\n4 2\n255\n"))).toEqual({ width: 4, height: 2, offset: 23 });
    expect(ppmHeader(Buffer.from("P3\n4 2\n255\n"))).toBeNull(); // text PPM
    expect(ppmHeader(Buffer.from("P6\n4 2\n65535\n"))).toBeNull(); // 16-bit
    expect(ppmHeader(Buffer.from("\x89PNG\r\n"))).toBeNull();
    const short = path.join(dir, "short.ppm");
    await writeFile(short, Buffer.concat([Buffer.from("P6\n4 2\n255\n"), Buffer.alloc(5)]));
    expect(await looksLikePpm(short)).toBe(true);
    expect(await readPpm(short)).toBeNull();
  });
});
