/**
 * Zones as the browser draws them and the analysis reads them: named polygons whose corners are
 * shares (0..1) of the frame's width and height, so one zone fits the frame whatever size it is
 * shown at. The limits here are the ones `zoneSchema` (lib/analysis/events/detect-events.ts)
 * enforces on the server; the editor checks them first to say what is wrong in words. Plain
 * TypeScript without zod, so client components may import it.
 */

/** Fewer corners enclose no area. */
export const MIN_ZONE_POINTS = 3;
/** More corners than anyone draws by hand; a bound on what each sampled frame tests. */
export const MAX_ZONE_POINTS = 64;
export const MAX_ZONES = 20;
export const MAX_ZONE_NAME_LENGTH = 80;

export type ZonePoint = [number, number];
export type Zone = { name: string; points: ZonePoint[] };
export type Size = { width: number; height: number };
export type Rect = Size & { left: number; top: number };

/**
 * A pointer position on the drawn frame as a share of the frame, clamped to it (a drag that
 * leaves the frame keeps its corner on the edge) and rounded to 4 decimals: a tenth of a pixel
 * on a 1000-pixel frame, and a payload that stays readable.
 */
export function normalisePoint(clientX: number, clientY: number, frame: Rect): ZonePoint {
  const share = (value: number, size: number) => (size > 0 ? Math.round(Math.min(1, Math.max(0, value / size)) * 10_000) / 10_000 : 0);
  return [share(clientX - frame.left, frame.width), share(clientY - frame.top, frame.height)];
}

/** A point moved by (dx, dy) shares of the frame, kept inside it: the arrow keys' step. */
export function nudgePoint(point: ZonePoint, dx: number, dy: number): ZonePoint {
  const clamp = (value: number) => Math.round(Math.min(1, Math.max(0, value)) * 10_000) / 10_000;
  return [clamp(point[0] + dx), clamp(point[1] + dy)];
}

/**
 * The corner nearest to `target` within `radius` pixels of the frame as shown, or null. Measured
 * in pixels, not shares, so a finger's reach is the same across a wide frame as down it; the
 * radius is larger for touch than for a mouse.
 */
export function nearestCorner(zones: Zone[], target: ZonePoint, frame: Size, radius: number): { zone: number; point: number } | null {
  let best: { zone: number; point: number } | null = null;
  let bestDistance = Infinity;
  for (let z = 0; z < zones.length; z++) {
    for (let p = 0; p < zones[z].points.length; p++) {
      const [x, y] = zones[z].points[p];
      const distance = Math.hypot((x - target[0]) * frame.width, (y - target[1]) * frame.height);
      if (distance <= radius && distance < bestDistance) {
        best = { zone: z, point: p };
        bestDistance = distance;
      }
    }
  }
  return best;
}

/** Ray casting: whether (x, y) lies inside the polygon (the analysis's test for a person's feet). */
export function insidePolygon(x: number, y: number, points: ZonePoint[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The topmost zone whose area holds the point (the last drawn wins), or null: a tap selects it. */
export function zoneAt(zones: Zone[], point: ZonePoint): number | null {
  for (let z = zones.length - 1; z >= 0; z--) if (zones[z].points.length >= MIN_ZONE_POINTS && insidePolygon(point[0], point[1], zones[z].points)) return z;
  return null;
}

/** Where a zone's name is written: the mean of its corners, inside any convex zone. */
export function labelPosition(points: ZonePoint[]): ZonePoint {
  if (!points.length) return [0, 0];
  const sum = points.reduce((acc, [x, y]) => [acc[0] + x, acc[1] + y], [0, 0]);
  return [sum[0] / points.length, sum[1] / points.length];
}

/** The name a new zone starts with: "Zone 1", "Zone 2"... the first one not taken. */
export function nextZoneName(zones: Zone[]): string {
  const taken = new Set(zones.map((zone) => zone.name.trim().toLowerCase()));
  for (let n = zones.length + 1; ; n++) if (!taken.has(`zone ${n}`)) return `Zone ${n}`;
}

/** How a zone is named in a message: by its name when it has one, else by its place. */
function zoneInWords(zone: Zone, index: number): string {
  const name = zone.name.trim();
  return name ? `Zone “${name}”` : `Zone ${index + 1}`;
}

/**
 * What is wrong with the zones, one plain sentence per problem, none when the server's schema
 * will take them: too few or too many corners, a name that is empty or too long, two zones with
 * one name, too many zones.
 */
export function zoneProblems(zones: Zone[]): string[] {
  const problems: string[] = [];
  if (zones.length > MAX_ZONES) problems.push(`There are ${zones.length} zones: at most ${MAX_ZONES} are allowed`);
  zones.forEach((zone, index) => {
    const name = zone.name.trim();
    if (!name) problems.push(`Zone ${index + 1} needs a name`);
    if (name.length > MAX_ZONE_NAME_LENGTH) problems.push(`${zoneInWords(zone, index)} has a name longer than ${MAX_ZONE_NAME_LENGTH} characters`);
    if (zone.points.length < MIN_ZONE_POINTS) {
      problems.push(`${zoneInWords(zone, index)} needs at least ${MIN_ZONE_POINTS} points: it has ${zone.points.length}`);
    }
    if (zone.points.length > MAX_ZONE_POINTS) problems.push(`${zoneInWords(zone, index)} has ${zone.points.length} points: at most ${MAX_ZONE_POINTS} are allowed`);
  });
  const seen = new Set<string>();
  for (const zone of zones) {
    const name = zone.name.trim();
    if (!name) continue;
    if (seen.has(name)) problems.push(`Two zones are called “${name}”: each zone needs its own name`);
    seen.add(name);
  }
  return problems;
}

/** The zones as the analysis payload's `zones` takes them: names trimmed, corners as drawn. */
export function zonesToSend(zones: Zone[]): Zone[] {
  return zones.map((zone) => ({ name: zone.name.trim(), points: zone.points.map(([x, y]) => [x, y] as ZonePoint) }));
}

/**
 * A server message about the zones in the form's words. The routes name the field by its path
 * ("Invalid options 'zones.1.points': a zone needs at least 3 points", or from a re-run
 * "Request body 'zones.0.name': a zone needs a name"); the form counts zones from 1. Null when
 * the message is not about zones.
 */
export function zoneErrorInWords(detail: string): string | null {
  const match = /'zones(?:\.(\d+))?(?:\.(\w+))?[^']*': (.*)$/.exec(detail.trim());
  if (!match) return null;
  const [, index, field, message] = match;
  if (index === undefined) return `Check the zones: ${message}`;
  const what = field === "name" ? "its name" : field === "points" ? "its points" : "it";
  return `Check zone ${Number(index) + 1} (${what}): ${message}`;
}
