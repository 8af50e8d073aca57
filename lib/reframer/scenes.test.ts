import { describe, expect, it } from "vitest";
import { describeShot, difficultyOf, importanceOf, plural, replaceableElements, type ShotObject } from "./scenes";

describe("scenes", () => {
  it("describes, scores and rates what was measured", () => {
    const person = (id: string, speed: number, areaShare = 0.05): ShotObject => ({ trackId: id, label: "person", kind: "person", areaShare, speed, direction: speed > 0.03 ? "right" : null, position: 0.5, occlusion: 0, colour: "blue", frames: 10 });
    const bag: ShotObject = { trackId: "obj_009", label: "handbag", kind: "product", areaShare: 0.01, speed: 0, direction: null, position: 0.2, occlusion: 0.5, colour: "black", frames: 5 };
    const objects = [person("obj_001", 0.1), person("obj_002", 0), bag];
    expect(describeShot(objects, 3)).toBe("2 people and 1 handbag; 1 moving, most of them to the right; blue person in the centre most prominent (3.0 s)");
    expect(describeShot([], 2)).toMatch(/No tracked/);
    // 1 + 3 x 1 + 2 x 1/3 + 2 x 0.05/0.15 + 2 x 1/3 = 6
    expect(importanceOf(objects)).toBe(6);
    expect(importanceOf([])).toBe(1);
    expect(difficultyOf(person("a", 0.2, 0.2))).toBe("hard");
    expect(difficultyOf(person("a", 0, 0.01))).toBe("easy");
    const elements = replaceableElements(objects);
    expect(elements[0]).toEqual({ type: "person", description: "blue person in the centre, moving right (obj_001)", difficulty: "medium" });
    expect(elements.map((e) => e.type)).toContain("product");
  });
});

describe("plural", () => {
  it("names COCO classes in the plural as people write them", () => {
    const cases: [string, string][] = [["person", "people"], ["skis", "skis"], ["bus", "buses"], ["wine glass", "wine glasses"], ["sandwich", "sandwiches"], ["knife", "knives"], ["sports ball", "sports balls"], ["sheep", "sheep"]];
    for (const [word, many] of cases) expect(plural(3, word)).toBe(`3 ${many}`);
    expect(plural(1, "skis")).toBe("1 skis");
  });
});
