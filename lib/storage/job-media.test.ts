import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { fetchJobMedia, findJobMedia, localVideoFile, madeOnce, mediaInfo, publishJobMedia, readJobMedia, releaseJobMedia, storedPath } from "./job-media";
import { serveJobMedia } from "@/lib/http/media-response";
import { jobMediaDir } from "./layout";
import { objectStore, resetObjectStoreForTests } from "./object-store";
import { startTestS3Server, type TestS3Server } from "./testing";

/**
 * A job's media with object storage, across two hosts: each host is a data folder of its own
 * (DATA_DIR switched between them), the store is a real SeaweedFS.
 */
let server: TestS3Server;
let root: string;
const saved = { ...process.env };

function onHost(name: string) {
  process.env.DATA_DIR = path.join(root, name);
  resetEnvForTests();
  resetObjectStoreForTests();
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "framewise-job-media-"));
  server = await startTestS3Server(18553);
  Object.assign(process.env, server.env, { STORAGE_URL: `s3://${new URL(server.env.STORAGE_URL).hostname}/job-media-${randomUUID()}` });
}, 600_000);

afterAll(async () => {
  process.env = saved;
  resetEnvForTests();
  resetObjectStoreForTests();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("a job's media in object storage", () => {
  it("is published after a step on one host and fetched before the next on another; the working folder goes at the end", async () => {
    const jobId = randomUUID();
    onHost("host-a");
    const folderA = jobMediaDir(jobId);
    expect(folderA).toBe(path.join(root, "host-a", "work", "jobs", jobId, "media"));
    await mkdir(path.join(folderA, "clips"), { recursive: true });
    await writeFile(path.join(folderA, "shots.json"), "[1,2]");
    await writeFile(path.join(folderA, "clips", "event-001.mp4"), "clip");
    await writeFile(path.join(folderA, ".crop-0.cmd"), "scratch");
    expect(await publishJobMedia(jobId)).toBe(2);
    // Unchanged files go once.
    expect(await publishJobMedia(jobId)).toBe(0);

    onHost("host-b");
    const folderB = jobMediaDir(jobId);
    expect(await fetchJobMedia(jobId)).toBe(2);
    expect(await readFile(path.join(folderB, "clips", "event-001.mp4"), "utf8")).toBe("clip");
    expect(existsSync(path.join(folderB, ".crop-0.cmd"))).toBe(false);
    await writeFile(path.join(folderB, "export.zip"), "zip");
    await releaseJobMedia(jobId);
    expect(existsSync(path.dirname(folderB))).toBe(false);

    // What the web process answers from: the store, by media path.
    const found = await findJobMedia(jobId, "export.zip", { kind: "not_found", message: "File not found" });
    expect(found).toBe(storedPath(`jobs/${jobId}/media/export.zip`));
    expect((await readJobMedia(jobId, "shots.json")).toString()).toBe("[1,2]");
    await expect(findJobMedia(jobId, "../../uploads/x.mp4", { kind: "not_found", message: "File not found" })).rejects.toMatchObject({ message: "File not found" });
    // A missing object is found missing once, by the answer itself, with the lookup's message.
    await expect(serveJobMedia(new Request("http://app/"), jobId, "missing.jpg", "File not found")).rejects.toMatchObject({ kind: "not_found", message: "File not found" });
    const answer = await serveJobMedia(new Request("http://app/", { headers: { range: "bytes=1-2" } }), jobId, "export.zip", "File not found");
    expect([answer.status, await answer.text()]).toEqual([206, "ip"]);
  });

  it("makes a file on request once, keeps it only in the store, and fetches a stored video into the job's folder", async () => {
    onHost("web");
    const jobId = randomUUID();
    let made = 0;
    const make = async (file: string) => {
      made++;
      await writeFile(file, "jpeg");
    };
    const first = await madeOnce(jobId, "thumbs/s-00001.jpg", make);
    expect(await madeOnce(jobId, "thumbs/s-00001.jpg", make)).toBe(first);
    expect(made).toBe(1);
    expect(first).toBe(storedPath(`jobs/${jobId}/media/thumbs/s-00001.jpg`));
    expect(existsSync(path.join(jobMediaDir(jobId), "thumbs", "s-00001.jpg"))).toBe(false);

    const store = await objectStore();
    await store.write("uploads/v1.mp4", Readable.from([Buffer.from("video bytes")]));
    expect(await mediaInfo(storedPath("uploads/v1.mp4"))).toMatchObject({ size: 11 });
    const local = await localVideoFile(storedPath("uploads/v1.mp4"), jobId);
    expect(local).toBe(path.join(root, "web", "work", "jobs", jobId, "sources", "v1.mp4"));
    expect(await readFile(local, "utf8")).toBe("video bytes");
    // A path on disk is read where it is.
    expect(await localVideoFile("/srv/videos/a.mp4", jobId)).toBe("/srv/videos/a.mp4");
  });
});
