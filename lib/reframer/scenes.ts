/**
 * Scenes (README "Video Reframer", "scenes"): the shots come from lib/shots (SCENE_CUTS: hard
 * cuts and dissolves, no shot under half a second); here each is described, scored and its
 * replaceable elements listed from what was measured in it.
 */

/** What the shot's tracked objects measured, summarised for the description and the score. */
export type ShotObject = {
  trackId: string;
  label: string;
  kind: "person" | "product" | "other";
  /** Mean box area as a share of the frame. */
  areaShare: number;
  /** Centre movement over the shot, in frame widths per second. */
  speed: number;
  /** Direction of travel, when it moved. */
  direction: "left" | "right" | "up" | "down" | null;
  /** Mean centre x as a share of the width. */
  position: number;
  /** Share of its boxes overlapped by another object's box by more than a quarter. */
  occlusion: number;
  colour: string | null;
  frames: number;
};

export type ReplaceableElement = { type: string; description: string; difficulty: "easy" | "medium" | "hard" };

/** COCO names whose plural is not the name plus "s" or "es" (some, like skis, are plural already). */
const plurals: Record<string, string> = { person: "people", mouse: "mice", knife: "knives", sheep: "sheep", skis: "skis", scissors: "scissors" };

export function plural(count: number, word: string): string {
  if (count === 1) return `${count} ${word}`;
  return `${count} ${plurals[word] ?? (/(s|sh|ch|x)$/.test(word) ? `${word}es` : `${word}s`)}`;
}

/**
 * A sentence from what was measured: who and what, how many, how they move; then, when the
 * shot has them (shot-content.ts), the text read on screen and what was said, quoted as heard
 * (at most 30 words).
 */
export function describeShot(objects: ShotObject[], seconds: number, content?: { text: string[]; speech: string | null }): string {
  const heard = heardPart(content);
  if (objects.length === 0) return `No tracked people or objects${heard} (${seconds.toFixed(1)} s)`;
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(object.label, (counts.get(object.label) ?? 0) + 1);
  const parts = [...counts].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1)).map(([label, count]) => plural(count, label));
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  const moving = objects.filter((object) => object.speed >= 0.03);
  const directions = new Map<string, number>();
  for (const object of moving) if (object.direction) directions.set(object.direction, (directions.get(object.direction) ?? 0) + 1);
  const main = [...directions].sort(([, n], [, m]) => m - n)[0];
  const motion = moving.length === 0 ? "mostly still" : `${moving.length} moving${main ? `, most of them ${main[0] === "left" || main[0] === "right" ? `to the ${main[0]}` : main[0]}` : ""}`;
  const lead = [...objects].sort((a, b) => b.areaShare * b.frames - a.areaShare * a.frames)[0];
  const leadText = `${lead.colour ? `${lead.colour} ` : ""}${lead.label} ${where(lead.position)} most prominent`;
  return `${list}; ${motion}; ${leadText}${heard} (${seconds.toFixed(1)} s)`;
}

function heardPart(content?: { text: string[]; speech: string | null }): string {
  if (!content) return "";
  let part = "";
  if (content.text.length) part += `; text on screen: ${content.text.map((line) => JSON.stringify(line)).join(", ")}`;
  if (content.speech) {
    const words = content.speech.split(/\s+/);
    part += `; speech: "${words.slice(0, 30).join(" ")}${words.length > 30 ? " …" : ""}"`;
  }
  return part;
}

function where(position: number): string {
  return position < 0.33 ? "on the left" : position > 0.67 ? "on the right" : "in the centre";
}

/**
 * importance 1-10 = 1 + 3 x min(1, people / 2) + 2 x min(1, products / 3)
 *   + 2 x min(1, largest object's area share / 0.15) + 2 x min(1, moving objects / 3)
 *   + 1 when text was read on screen + 1 when something was said, rounded, at most 10.
 */
export function importanceOf(objects: ShotObject[], content?: { text: string[]; speech: string | null }): number {
  const people = objects.filter((o) => o.kind === "person").length;
  const products = objects.filter((o) => o.kind === "product").length;
  const largest = Math.max(0, ...objects.map((o) => o.areaShare));
  const moving = objects.filter((o) => o.speed >= 0.03).length;
  const heard = (content?.text.length ? 1 : 0) + (content?.speech ? 1 : 0);
  const score = 1 + 3 * Math.min(1, people / 2) + 2 * Math.min(1, products / 3) + 2 * Math.min(1, largest / 0.15) + 2 * Math.min(1, moving / 3) + heard;
  return Math.max(1, Math.min(10, Math.round(score)));
}

/**
 * difficulty from size, motion and occlusion: points = (area share > 0.15 ? 2 : > 0.04 ? 1 : 0)
 * + (speed > 0.15 ? 2 : > 0.03 ? 1 : 0) + (occlusion > 0.3 ? 2 : > 0.1 ? 1 : 0);
 * 0-1 easy, 2-3 medium, 4+ hard.
 */
export function difficultyOf(object: ShotObject): ReplaceableElement["difficulty"] {
  const points =
    (object.areaShare > 0.15 ? 2 : object.areaShare > 0.04 ? 1 : 0) +
    (object.speed > 0.15 ? 2 : object.speed > 0.03 ? 1 : 0) +
    (object.occlusion > 0.3 ? 2 : object.occlusion > 0.1 ? 1 : 0);
  return points >= 4 ? "hard" : points >= 2 ? "medium" : "easy";
}

export function replaceableElements(objects: ShotObject[], limit = 5): ReplaceableElement[] {
  return objects
    .filter((o) => o.kind !== "other")
    .sort((a, b) => b.areaShare * b.frames - a.areaShare * a.frames)
    .slice(0, limit)
    .map((o) => ({
      type: o.kind,
      description: `${o.colour ? `${o.colour} ` : ""}${o.label} ${where(o.position)}${o.speed >= 0.03 && o.direction ? `, moving ${o.direction}` : ""} (${o.trackId})`,
      difficulty: difficultyOf(o),
    }));
}
