import { describe, expect, it } from "vitest";
import { countEvents, eventName, placeLabels, trackEvents, type Rect } from "./truth";

const event = (id: string, label: string, start: number, end: number) => ({ id, label, start_time: start, end_time: end, confidence: 0.8, track_ids: [] as number[] });

describe("eventName", () => {
  it("names rule labels as the options form does, others capitalised", () => {
    expect(eventName("person")).toBe("Person present");
    expect(eventName("phone use")).toBe("Phone use");
    expect(eventName("eating or drinking")).toBe("Eating or drinking");
    expect(eventName("person entering")).toBe("Person entering");
    expect(eventName("car visible")).toBe("Car visible");
  });
});

describe("countEvents", () => {
  // 0.2 s between samples: events under 0.4 s are short.
  const events = [event("a", "person", 0, 5), event("b", "person", 6, 6.2), event("c", "phone use", 1, 3), event("d", "phone use", 4, 4), event("e", "leaving", 8, 8)];

  it("counts each label once, short events as hidden, and the totals agree", () => {
    const counts = countEvents(events, 0.2, { showShort: false, trackEventIds: null });
    expect(counts.visible.map((e) => e.id)).toEqual(["a", "c"]);
    expect(counts.hiddenShort).toBe(3);
    expect(counts.labels).toEqual([
      { label: "person", shown: 1, hiddenShort: 1 },
      { label: "phone use", shown: 1, hiddenShort: 1 },
      { label: "leaving", shown: 0, hiddenShort: 1 },
    ]);
    const sum = counts.labels.reduce((total, row) => total + row.shown, 0);
    expect(sum).toBe(counts.visible.length);
    expect(sum + counts.hiddenShort).toBe(events.length);
  });

  it("shows short events when asked and narrows to a track's events", () => {
    expect(countEvents(events, 0.2, { showShort: true, trackEventIds: null }).visible).toHaveLength(5);
    const track = countEvents(events, 0.2, { showShort: false, trackEventIds: ["b", "c"] });
    expect(track.visible.map((e) => e.id)).toEqual(["c"]);
    expect(track.labels).toEqual([
      { label: "phone use", shown: 1, hiddenShort: 0 },
      { label: "person", shown: 0, hiddenShort: 1 },
    ]);
  });
});

describe("countEvents with reviews", () => {
  it("counts no event reviewed as a false positive, and returns those apart; confirmed ones count", () => {
    const reviewed = [
      { ...event("a", "person", 0, 5), review: { verdict: "confirmed" } },
      { ...event("b", "person", 6, 9), review: { verdict: "false_positive" } },
      { ...event("c", "phone use", 1, 3), review: null },
      { ...event("d", "phone use", 4, 4), review: { verdict: "false_positive" } },
    ];
    const counts = countEvents(reviewed, 0.2, { showShort: false, trackEventIds: null });
    expect(counts.visible.map((e) => e.id)).toEqual(["a", "c"]);
    expect(counts.rejected.map((e) => e.id)).toEqual(["b", "d"]);
    // A rejected short event is rejected, not hidden as short.
    expect(counts.hiddenShort).toBe(0);
    expect(counts.labels).toEqual([
      { label: "person", shown: 1, hiddenShort: 0 },
      { label: "phone use", shown: 1, hiddenShort: 0 },
    ]);
  });
});

describe("trackEvents", () => {
  it("cuts the events of a short track to its own span", () => {
    const list = [event("p", "person", 0, 30), event("u", "phone use", 12, 20), event("x", "person", 40, 50)];
    const track = { first_seen: 12.4, last_seen: 13.2, event_ids: ["p", "u"] };
    const own = trackEvents(track, list);
    expect(own.map((e) => [e.id, e.track_start, e.track_end])).toEqual([
      ["p", 12.4, 13.2],
      ["u", 12.4, 13.2],
    ]);
  });
  it("keeps an event's own times when it lies outside the track's span", () => {
    const own = trackEvents({ first_seen: 1, last_seen: 2, event_ids: ["l"] }, [event("l", "leaving", 2.2, 2.2)]);
    expect([own[0].track_start, own[0].track_end]).toEqual([2.2, 2.2]);
  });
});

describe("placeLabels", () => {
  const frame = { width: 640, height: 360 };
  const tag = { width: 90, height: 20 };
  const inside = (r: Rect) => r.x >= 0 && r.y >= 0 && r.x + r.width <= frame.width && r.y + r.height <= frame.height;
  const apart = (a: Rect, b: Rect) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

  it("puts a caption just above its box when there is room", () => {
    expect(placeLabels([{ x: 100, y: 100, width: 50, height: 120 }], [tag], frame)).toEqual([{ x: 100, y: 80, ...tag }]);
  });

  it("keeps captions inside the frame at every edge", () => {
    const boxes = [
      { x: 0, y: 0, width: 40, height: 40 },
      { x: 620, y: 340, width: 20, height: 20 },
      { x: -30, y: 200, width: 60, height: 60 },
    ];
    const spots = placeLabels(boxes, boxes.map(() => tag), frame);
    for (const spot of spots) expect(spot && inside(spot)).toBe(true);
  });

  it("never lets two captions overlap, even for boxes stacked on one spot", () => {
    const boxes = Array.from({ length: 12 }, (_, i) => ({ x: 200 + (i % 3) * 10, y: 150 + (i % 4) * 5, width: 80, height: 160 }));
    const spots = placeLabels(boxes, boxes.map(() => tag), frame);
    const drawn = spots.filter((spot): spot is Rect => spot !== null);
    expect(drawn.length).toBe(12);
    for (const spot of drawn) expect(inside(spot)).toBe(true);
    for (let i = 0; i < drawn.length; i++) for (let j = i + 1; j < drawn.length; j++) expect(apart(drawn[i], drawn[j]), `${i} and ${j}`).toBe(true);
  });

  it("leaves a caption out when the frame has no free place for it", () => {
    const tiny = { width: 100, height: 40 };
    const big = { width: 100, height: 20 };
    const spots = placeLabels([{ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 }], [big, big, big], tiny);
    expect(spots.filter(Boolean)).toHaveLength(2);
    expect(spots[2]).toBeNull();
    expect(placeLabels([{ x: 0, y: 0, width: 10, height: 10 }], [{ width: 200, height: 10 }], tiny)).toEqual([null]);
  });
});
