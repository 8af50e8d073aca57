import { describe, expect, it } from "vitest";
import { parseAnalysisOptions } from "./start-analysis";
import {
  MAX_ZONE_POINTS,
  MAX_ZONES,
  insidePolygon,
  labelPosition,
  nearestCorner,
  nextZoneName,
  normalisePoint,
  nudgePoint,
  zoneAt,
  zoneErrorInWords,
  zoneProblems,
  zonesToSend,
  type Zone,
  type ZonePoint,
} from "./zone-geometry";

const square = (name: string, x0: number, y0: number, x1: number, y1: number): Zone => ({
  name,
  points: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});

describe("normalisePoint", () => {
  const frame = { left: 100, top: 50, width: 800, height: 400 };

  it("turns a pointer position into shares of the frame, whatever size it is shown at", () => {
    expect(normalisePoint(500, 250, frame)).toEqual([0.5, 0.5]);
    expect(normalisePoint(100, 50, frame)).toEqual([0, 0]);
    expect(normalisePoint(900, 450, frame)).toEqual([1, 1]);
    // The same spot of a frame shown at a phone's width.
    expect(normalisePoint(10 + 0.25 * 370, 20 + 0.75 * 208, { left: 10, top: 20, width: 370, height: 208 })).toEqual([0.25, 0.75]);
  });

  it("keeps a point dragged off the frame on its edge", () => {
    expect(normalisePoint(0, 1000, frame)).toEqual([0, 1]);
    expect(normalisePoint(2000, -30, frame)).toEqual([1, 0]);
  });

  it("rounds to 4 decimals and never divides by a zero size", () => {
    expect(normalisePoint(100 + 800 / 3, 50, frame)).toEqual([0.3333, 0]);
    expect(normalisePoint(5, 5, { left: 0, top: 0, width: 0, height: 0 })).toEqual([0, 0]);
  });
});

describe("nudgePoint", () => {
  it("moves a point by shares of the frame and stops at the edges", () => {
    expect(nudgePoint([0.5, 0.5], 0.01, -0.01)).toEqual([0.51, 0.49]);
    expect(nudgePoint([0.995, 0.002], 0.01, -0.01)).toEqual([1, 0]);
  });
});

describe("nearestCorner", () => {
  const zones = [square("desk", 0.1, 0.1, 0.3, 0.3), square("door", 0.6, 0.6, 0.9, 0.9)];
  const frame = { width: 1000, height: 500 };

  it("finds the corner within the radius, measured in pixels", () => {
    expect(nearestCorner(zones, [0.305, 0.3], frame, 12)).toEqual({ zone: 0, point: 2 });
    expect(nearestCorner(zones, [0.6, 0.61], frame, 12)).toEqual({ zone: 1, point: 0 });
  });

  it("misses when no corner is near enough: 0.02 of the height is 10 px, of the width 20 px", () => {
    expect(nearestCorner(zones, [0.1, 0.12], frame, 12)).toEqual({ zone: 0, point: 0 });
    expect(nearestCorner(zones, [0.12, 0.1], frame, 12)).toBeNull();
    expect(nearestCorner([], [0.5, 0.5], frame, 50)).toBeNull();
  });

  it("takes the nearest of two corners in reach", () => {
    const close: Zone[] = [{ name: "a", points: [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]] }];
    expect(nearestCorner(close, [0.515, 0.5], frame, 30)).toEqual({ zone: 0, point: 1 });
  });
});

describe("insidePolygon and zoneAt", () => {
  const triangle: ZonePoint[] = [[0, 0], [1, 0], [0, 1]];

  it("tells inside from outside, for a concave shape as well", () => {
    expect(insidePolygon(0.2, 0.2, triangle)).toBe(true);
    expect(insidePolygon(0.8, 0.8, triangle)).toBe(false);
    const ell: ZonePoint[] = [[0, 0], [0.5, 0], [0.5, 0.5], [1, 0.5], [1, 1], [0, 1]];
    expect(insidePolygon(0.75, 0.25, ell)).toBe(false);
    expect(insidePolygon(0.75, 0.75, ell)).toBe(true);
  });

  it("picks the last drawn zone where zones overlap, and ignores unfinished ones", () => {
    const zones = [square("big", 0, 0, 1, 1), square("small", 0.4, 0.4, 0.6, 0.6), { name: "open", points: [[0, 0], [1, 1]] as ZonePoint[] }];
    expect(zoneAt(zones, [0.5, 0.5])).toBe(1);
    expect(zoneAt(zones, [0.1, 0.9])).toBe(0);
    expect(zoneAt([zones[2]], [0.5, 0.5])).toBeNull();
  });
});

describe("labelPosition and nextZoneName", () => {
  it("writes the name at the mean of the corners", () => {
    const [x, y] = labelPosition(square("a", 0.2, 0.2, 0.4, 0.6).points);
    expect(x).toBeCloseTo(0.3);
    expect(y).toBeCloseTo(0.4);
    expect(labelPosition([])).toEqual([0, 0]);
  });

  it("names a new zone with the first free number", () => {
    expect(nextZoneName([])).toBe("Zone 1");
    expect(nextZoneName([square("Zone 2", 0, 0, 1, 1)])).toBe("Zone 3");
    expect(nextZoneName([square("desk", 0, 0, 1, 1), square("Zone 3", 0, 0, 1, 1)])).toBe("Zone 4");
  });
});

describe("zoneProblems", () => {
  it("has nothing to say about good zones, or none", () => {
    expect(zoneProblems([])).toEqual([]);
    expect(zoneProblems([square("desk", 0, 0, 0.5, 0.5), square("door", 0.5, 0.5, 1, 1)])).toEqual([]);
  });

  it("says which zone has too few points, too many, or no name", () => {
    const two: Zone = { name: "desk", points: [[0, 0], [1, 1]] };
    const many: Zone = { name: "wiggle", points: Array.from({ length: MAX_ZONE_POINTS + 1 }, (_, i) => [i / 100, (i % 2) / 2] as ZonePoint) };
    expect(zoneProblems([two])).toEqual(["Zone “desk” needs at least 3 points: it has 2"]);
    expect(zoneProblems([many])).toEqual([`Zone “wiggle” has ${MAX_ZONE_POINTS + 1} points: at most ${MAX_ZONE_POINTS} are allowed`]);
    expect(zoneProblems([square("desk", 0, 0, 1, 1), { ...square("", 0, 0, 1, 1), name: "   " }])).toEqual(["Zone 2 needs a name"]);
    expect(zoneProblems([{ name: "", points: [] }])).toEqual(["Zone 1 needs a name", "Zone 1 needs at least 3 points: it has 0"]);
  });

  it("catches two zones with one name, a long name and too many zones", () => {
    expect(zoneProblems([square("desk", 0, 0, 1, 1), square(" desk ", 0, 0, 1, 1)])).toEqual(["Two zones are called “desk”: each zone needs its own name"]);
    expect(zoneProblems([square("x".repeat(81), 0, 0, 1, 1)])[0]).toMatch(/longer than 80 characters/);
    const lots = Array.from({ length: MAX_ZONES + 1 }, (_, i) => square(`z${i}`, 0, 0, 1, 1));
    expect(zoneProblems(lots)).toEqual([`There are ${MAX_ZONES + 1} zones: at most ${MAX_ZONES} are allowed`]);
  });

  it("agrees with the server's schema: what it passes, the options parser takes; what it rejects, the parser rejects", () => {
    const cases: Zone[][] = [
      [square("desk", 0, 0, 0.5, 0.5)],
      [{ name: "desk", points: [[0, 0], [1, 1]] }],
      [{ name: " ", points: square("", 0, 0, 1, 1).points }],
      [{ name: "wiggle", points: Array.from({ length: MAX_ZONE_POINTS + 1 }, (_, i) => [i / 100, 0.5] as ZonePoint) }],
      [square("a", 0, 0, 1, 1), square("a", 0, 0, 1, 1)],
      Array.from({ length: MAX_ZONES + 1 }, (_, i) => square(`z${i}`, 0, 0, 1, 1)),
    ];
    for (const zones of cases) {
      const accepted = (() => {
        try {
          parseAnalysisOptions(JSON.stringify({ zones: zonesToSend(zones) }));
          return true;
        } catch {
          return false;
        }
      })();
      expect(accepted, JSON.stringify(zones).slice(0, 80)).toBe(zoneProblems(zones).length === 0);
    }
  });
});

describe("zonesToSend and zoneErrorInWords", () => {
  it("trims names and keeps the corners", () => {
    expect(zonesToSend([{ name: "  desk ", points: [[0, 0], [1, 0], [1, 1]] }])).toEqual([{ name: "desk", points: [[0, 0], [1, 0], [1, 1]] }]);
  });

  it("says a server message about a zone with the zone counted from 1", () => {
    expect(zoneErrorInWords("Invalid options 'zones.1.points': a zone needs at least 3 points")).toBe("Check zone 2 (its points): a zone needs at least 3 points");
    expect(zoneErrorInWords("Request body 'zones.0.name': a zone needs a name")).toBe("Check zone 1 (its name): a zone needs a name");
    expect(zoneErrorInWords("Invalid options 'zones': zone names must differ")).toBe("Check the zones: zone names must differ");
    expect(zoneErrorInWords("Invalid options 'fps': too big")).toBeNull();
  });
});
