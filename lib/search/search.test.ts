import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { selectRows } from "@/lib/db/client";
import { analysisFrames, events, jobs } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { createUser } from "@/lib/auth/users";
import type { Caller } from "@/lib/jobs";
import type { Transcript } from "@/lib/speech/transcript";
import { MARK_END, MARK_START, matchParts } from "./hits";
import { searchByWords, searchEverything } from "./search-everything";
import { searchObjects } from "./search-objects";
import { searchText } from "./search-text";
import { searchWords } from "./search-words";

/** A transcript as the transcribe job stores it in result_payload (lib/speech/transcript.ts). */
function transcriptOf(segments: { start: number; end: number; text: string }[]): { transcript: Transcript } {
  return {
    transcript: {
      engine: "pocketsphinx",
      language: "en",
      text: segments.map((s) => s.text).join(" "),
      duration: segments.at(-1)!.end,
      words: [],
      segments,
    },
  };
}

describe.each(testDatabases)("search on %s", (kind) => {
  let handle: DatabaseHandle;
  let alice: Caller;
  let bob: Caller;
  let admin: Caller;
  let aliceAnalysis: string;
  let bobAnalysis: string;
  let aliceTranscript: string;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    const a = await createUser(db, { email: "alice@example.com", password: "long enough" });
    const b = await createUser(db, { email: "bob@example.com", password: "long enough" });
    const root = await createUser(db, { email: "root@example.com", password: "long enough" });
    alice = { user: a, isAdmin: false };
    bob = { user: b, isAdmin: false };
    admin = { user: root, isAdmin: true };

    const [aj, bj] = await db.insert(jobs).values([{ kind: "analyze", ownerId: a.id, status: "completed" }, { kind: "analyze", ownerId: b.id, status: "completed" }]).returning();
    aliceAnalysis = aj.id;
    bobAnalysis = bj.id;
    const event = (jobId: string, ordinal: number, label: string, time: number, confidence: number, extra: Partial<typeof events.$inferInsert> = {}) => ({
      jobId, ordinal, label, startTime: time, endTime: time + 2, trackIds: [1], confidence, bestFrameIndex: ordinal, bestTimestamp: time + 0.5, boxes: [], ...extra,
    });
    await db.insert(events).values([
      event(aj.id, 0, "dog", 3, 0.7, { snapshotAnnotated: "event-001-annotated.jpg" }),
      event(aj.id, 1, "person", 8, 0.9),
      event(aj.id, 2, "dog", 12, 0.95, { reviewVerdict: "false_positive" }),
      event(bj.id, 0, "dog", 1, 0.99),
    ]);
    await db.insert(analysisFrames).values([
      { jobId: aj.id, frameIndex: 0, timestamp: 4, extras: { ocr: [{ text: "EXIT 12 North", confidence: 0.9, bbox: [0, 0, 10, 10] }] } },
      { jobId: aj.id, frameIndex: 1, timestamp: 5, extras: { ocr: [{ text: "EXIT 12 North", confidence: 0.8, bbox: [0, 0, 10, 10] }] } },
      { jobId: aj.id, frameIndex: 2, timestamp: 6, extras: { pose: [] } },
      { jobId: bj.id, frameIndex: 0, timestamp: 2, extras: { ocr: [{ text: "exit only", confidence: 0.7, bbox: [0, 0, 10, 10] }] } },
    ]);

    const [at] = await db
      .insert(jobs)
      .values({
        kind: "transcribe",
        ownerId: a.id,
        status: "completed",
        resultPayload: transcriptOf([
          { start: 0, end: 2.5, text: "good morning everyone" },
          { start: 7.25, end: 10, text: "the trucks are running late today" },
        ]),
      })
      .returning();
    aliceTranscript = at.id;
    await db.insert(jobs).values([
      { kind: "transcribe", ownerId: b.id, status: "completed", resultPayload: transcriptOf([{ start: 1, end: 3, text: "the truck runs at noon" }]) },
      // Not finished: nothing of it is searched.
      { kind: "transcribe", ownerId: a.id, status: "in_progress", resultPayload: transcriptOf([{ start: 1, end: 3, text: "a truck in progress" }]) },
    ]);
  });
  afterAll(async () => handle?.close());

  it("finds objects by class in the caller's own analyses, most confident first, without rejected events", async () => {
    const hits = await searchObjects(handle.db, alice, "DOG");
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      source: "objects",
      jobId: aliceAnalysis,
      time: 3.5,
      match: `${MARK_START}dog${MARK_END}`,
      thumbnail: `/api/jobs/${aliceAnalysis}/media/event-001-annotated.jpg`,
      href: `/analyses/${aliceAnalysis}?t=3.5`,
    });
    expect((await searchObjects(handle.db, bob, "dog")).map((h) => h.jobId)).toEqual([bobAnalysis]);
    expect((await searchObjects(handle.db, admin, "dog")).map((h) => h.jobId)).toEqual([bobAnalysis, aliceAnalysis]);
    expect(await searchObjects(handle.db, { user: null, isAdmin: false }, "dog")).toEqual([]);
    // LIKE's wildcards in the words are literal characters.
    expect(await searchObjects(handle.db, admin, "%")).toEqual([]);
  });

  it("finds words spoken by full-text search, with the segment's start and the words marked", async () => {
    const hits = await searchWords(handle.db, alice, "truck running");
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ source: "words", jobId: aliceTranscript, time: 7.25, href: `/transcripts/${aliceTranscript}?t=7.3` });
    expect(matchParts(hits[0].match).filter((p) => p.marked).map((p) => p.text)).toEqual(["trucks", "running"]);
    // Bob's transcript says "truck" too, but Alice never sees it; an admin sees both.
    expect((await searchWords(handle.db, bob, "truck")).every((h) => h.jobId !== aliceTranscript)).toBe(true);
    expect(new Set((await searchWords(handle.db, admin, "truck")).map((h) => h.jobId)).size).toBe(2);
    // Web search syntax: a phrase that is not said, a word excluded; bad syntax is no error.
    expect(await searchWords(handle.db, alice, '"late trucks"')).toEqual([]);
    expect(await searchWords(handle.db, alice, "trucks -late")).toEqual([]);
    expect(await searchWords(handle.db, alice, '"( & !')).toEqual([]);
  });

  it("finds text seen on screen, once per line at its first sighting", async () => {
    const hits = await searchText(handle.db, alice, "exit");
    expect(hits).toEqual([
      expect.objectContaining({ source: "text", jobId: aliceAnalysis, time: 4, match: `${MARK_START}EXIT${MARK_END} 12 North`, href: `/analyses/${aliceAnalysis}?t=4`, thumbnail: `/api/jobs/${aliceAnalysis}/thumbnails/4` }),
    ]);
    expect((await searchText(handle.db, bob, "exit")).map((h) => h.match)).toEqual([`${MARK_START}exit${MARK_END} only`]);
  });

  it("searches every source at once and never shows another account's hits", async () => {
    const mine = await searchEverything(handle.db, alice, "dog");
    expect(mine.map((h) => h.source)).toEqual(["objects"]);
    for (const words of ["dog", "truck", "exit", "noon", "only"]) {
      const hits = await searchByWords(handle.db, alice, "everything", words);
      expect(hits.every((h) => h.jobId === aliceAnalysis || h.jobId === aliceTranscript)).toBe(true);
    }
    expect(await searchByWords(handle.db, alice, "words", "noon")).toEqual([]);
  });

  it("has the transcript index the words query can use", async () => {
    const rows = await selectRows<{ indexdef: string }>(handle.db, sql`select indexdef from pg_indexes where indexname = 'jobs_transcript_search_idx'`);
    expect(rows[0]?.indexdef).toMatch(/gin/i);
  });
});

describe("matchParts", () => {
  it("splits a match at its marks and leaves unmarked text alone", () => {
    expect(matchParts(`a ${MARK_START}b${MARK_END} c`)).toEqual([
      { text: "a ", marked: false },
      { text: "b", marked: true },
      { text: " c", marked: false },
    ]);
    expect(matchParts("plain <b>text</b>")).toEqual([{ text: "plain <b>text</b>", marked: false }]);
  });
});
