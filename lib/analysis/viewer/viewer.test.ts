import { describe, expect, it } from "vitest";
import { explainFailure } from "./explain-failure";
import { csvCell, csvHeader, csvRow } from "./events-csv";
import { isShortEvent, matchesSearch, MIN_EVENT_SAMPLES, pageOf, shortEventLimit, sortEvents } from "./gallery";
import { boxCaption, frameAt, maskToRgba, trackColour, visibleBoxes, type CompactFrame } from "./overlay";
import { lanesOf, seekForKey, tickLabel, timeAtX, timeTicks } from "./timeline";

const frames: CompactFrame[] = [
  { t: 0, boxes: [[0, 1, 0.9, 10, 10, 50, 100]] },
  { t: 0.2, boxes: [[0, 1, 0.9, 12, 10, 50, 100], [1, -1, 0.3, 200, 50, 80, 40]] },
  { t: 1.0, boxes: [[0, 2, 0.6, 300, 10, 40, 90]] },
];

describe("frameAt", () => {
  it("holds the last sampled frame for one interval, then shows nothing", () => {
    expect(frameAt(frames, 0.1, 0.2)?.t).toBe(0);
    expect(frameAt(frames, 0.2, 0.2)?.t).toBe(0.2);
    expect(frameAt(frames, 0.399, 0.2)?.t).toBe(0.2);
    expect(frameAt(frames, 0.6, 0.2)).toBeNull();
    expect(frameAt(frames, 1.05, 0.2)?.t).toBe(1.0);
    expect(frameAt(frames, -1, 0.2)).toBeNull();
    expect(frameAt([], 1, 0.2)).toBeNull();
  });
  it("takes a time a hair before a sample as that sample (float times from the video)", () => {
    expect(frameAt(frames, 0.19999, 0.2)?.t).toBe(0.2);
  });
});

describe("visibleBoxes", () => {
  const labels = ["person", "car"];
  it("drops hidden classes and boxes under the confidence floor", () => {
    const frame = frames[1];
    expect(visibleBoxes(frame, labels, { hidden: new Set(), minConfidence: 0 })).toHaveLength(2);
    expect(visibleBoxes(frame, labels, { hidden: new Set(["car"]), minConfidence: 0 }).map((b) => b.label)).toEqual(["person"]);
    expect(visibleBoxes(frame, labels, { hidden: new Set(), minConfidence: 0.5 }).map((b) => b.label)).toEqual(["person"]);
    expect(visibleBoxes(null, labels, { hidden: new Set(), minConfidence: 0 })).toEqual([]);
  });
  it("spells untracked boxes as track null and captions them", () => {
    const [person, car] = visibleBoxes(frames[1], labels, { hidden: new Set(), minConfidence: 0 });
    expect(car.trackId).toBeNull();
    expect(boxCaption(person)).toBe("person #1 90%");
    expect(boxCaption(car)).toBe("car 30%");
  });
  it("gives a track one colour and untracked boxes grey", () => {
    expect(trackColour(3)).toEqual(trackColour(3 + 8));
    expect(trackColour(1)).not.toEqual(trackColour(2));
    expect(trackColour(null)).toEqual([203, 213, 225]);
  });
});

describe("timeline", () => {
  it("spaces ticks at a round step that fits the width", () => {
    expect(timeTicks(80, 1000)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    const phone = timeTicks(80, 300);
    expect(phone.length).toBeLessThanOrEqual(5);
    expect(phone[1] - phone[0]).toBe(30);
    expect(timeTicks(3, 600)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(timeTicks(0, 600)).toEqual([0]);
  });
  it("labels ticks as m:ss", () => {
    expect(tickLabel(65)).toBe("1:05");
    expect(tickLabel(1.5, true)).toBe("0:01.5");
  });
  it("makes one lane per event type, busiest first", () => {
    const lanes = lanesOf([
      { label: "phone", start_time: 1, end_time: 2 },
      { label: "person", start_time: 0, end_time: 5 },
      { label: "person", start_time: 6, end_time: 8 },
    ]);
    expect(lanes.map((lane) => [lane.label, lane.events.length])).toEqual([["person", 2], ["phone", 1]]);
  });
  it("moves the playhead by key and clamps to the video", () => {
    expect(seekForKey("ArrowRight", false, 10, 80)).toBe(11);
    expect(seekForKey("ArrowLeft", true, 10, 80)).toBe(5);
    expect(seekForKey("ArrowLeft", false, 0.5, 80)).toBe(0);
    expect(seekForKey("PageUp", false, 75, 80)).toBe(80);
    expect(seekForKey("Home", false, 40, 80)).toBe(0);
    expect(seekForKey("End", false, 40, 80)).toBe(80);
    expect(seekForKey("a", false, 40, 80)).toBeNull();
    expect(timeAtX(150, 300, 80)).toBe(40);
    expect(timeAtX(-5, 300, 80)).toBe(0);
    expect(timeAtX(400, 300, 80)).toBe(80);
  });
});

describe("gallery", () => {
  const events = [
    { label: "person", start_time: 5, end_time: 9, confidence: 0.7, track_ids: [3] },
    { label: "phone use", start_time: 1, end_time: 1.1, confidence: 0.9, track_ids: [3, 4] },
    { label: "person", start_time: 2, end_time: 4, confidence: 0.8, track_ids: [7] },
  ];
  it("sorts by time or by confidence", () => {
    expect(sortEvents(events, "time").map((e) => e.start_time)).toEqual([1, 2, 5]);
    expect(sortEvents(events, "confidence").map((e) => e.confidence)).toEqual([0.9, 0.8, 0.7]);
  });
  it("searches labels and track ids", () => {
    expect(events.filter((e) => matchesSearch(e, "phone")).length).toBe(1);
    expect(events.filter((e) => matchesSearch(e, "#3")).length).toBe(2);
    expect(events.filter((e) => matchesSearch(e, "person 7")).length).toBe(1);
    expect(events.filter((e) => matchesSearch(e, "  ")).length).toBe(3);
  });
  it("pages and clamps the page", () => {
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual({ items: [3, 4], page: 2, pages: 3 });
    expect(pageOf([1, 2, 3], 9, 2)).toEqual({ items: [3], page: 2, pages: 2 });
    expect(pageOf([], 1, 2)).toEqual({ items: [], page: 1, pages: 1 });
  });
  it("calls an event short when it spans fewer than MIN_EVENT_SAMPLES sampled frames", () => {
    expect(MIN_EVENT_SAMPLES).toBe(3);
    expect(shortEventLimit(0.2)).toBeCloseTo(0.4);
    expect(isShortEvent(events[1], 0.2)).toBe(true);
    expect(isShortEvent({ ...events[1], end_time: 1.4 }, 0.2)).toBe(false);
    expect(isShortEvent(events[0], 0.2)).toBe(false);
  });
  it("never calls a zone crossing short: it is a moment, debounced when found, and the zone counts show it", () => {
    const crossing = { label: "zone entered", start_time: 3, end_time: 3, confidence: 0.8, track_ids: [2] };
    expect(isShortEvent(crossing, 0.2)).toBe(false);
    expect(isShortEvent({ ...crossing, label: "zone left" }, 0.2)).toBe(false);
    expect(isShortEvent({ ...crossing, label: "person present" }, 0.2)).toBe(true);
  });
});

describe("events CSV", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(null)).toBe("");
  });
  it("writes one CRLF row per event under the header", () => {
    const header = csvHeader();
    expect(header).toBe("id,label,start_time,end_time,duration,confidence,track_ids,best_frame_time,snapshot_url,clip_url\r\n");
    const row = csvRow({ id: "e1", label: "person", start_time: 1, end_time: 2.5, duration: 1.5, confidence: 0.8, track_ids: [1, 2], best_frame_time: 2, activityImageUrl: "http://x/a.jpg", activityClipUrl: null });
    expect(row).toBe("e1,person,1,2.5,1.5,0.8,1 2,2,http://x/a.jpg,\r\n");
  });
});

describe("explainFailure", () => {
  it("says what went wrong in plain words", () => {
    expect(explainFailure("Inference worker unavailable: fetch failed").title).toBe("The detector could not be reached");
    expect(explainFailure("ffprobe could not read the file: Invalid data found when processing input").title).toBe("The video could not be read");
    expect(explainFailure("Job was cancelled").title).toBe("The job was cancelled");
    expect(explainFailure("ffmpeg ran longer than 60 s").title).toBe("The job took too long");
    expect(explainFailure(null).title).toBe("The job failed");
    expect(explainFailure("something odd").advice).toMatch(/admin/);
  });
});

describe("maskToRgba", () => {
  it("paints the set runs and leaves the rest transparent", () => {
    const pixels = maskToRgba("1,2,3", 3, 2, [1, 2, 3, 4])!;
    expect([...pixels.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...pixels.subarray(4, 8)]).toEqual([1, 2, 3, 4]);
    expect([...pixels.subarray(8, 12)]).toEqual([1, 2, 3, 4]);
    expect([...pixels.subarray(12, 24)]).toEqual(Array(12).fill(0));
  });
  it("refuses runs that do not cover the frame", () => {
    expect(maskToRgba("1,2", 3, 2, [1, 2, 3, 4])).toBeNull();
    expect(maskToRgba("a,5", 3, 2, [1, 2, 3, 4])).toBeNull();
  });
});
