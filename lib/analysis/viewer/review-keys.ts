/**
 * The review keys shared by the viewer's events and the review queue: c confirms, x rejects
 * (false positive), u takes the verdict back, j and k move to the next and previous event.
 * None clashes with the viewer's own keys (, and . step a frame on the player; arrows, Page
 * Up/Down, Home and End seek on the timeline), nor with typing: a key pressed in a text field,
 * select or button-less editable area, or with Ctrl, Alt or Meta held, is left alone.
 */
export type ReviewAction = "confirm" | "reject" | "clear" | "next" | "previous";

const actions: Record<string, ReviewAction> = { c: "confirm", x: "reject", u: "clear", j: "next", k: "previous" };

/** The keys as the pages' hints list them, in one place so that hint and handler agree. */
export const reviewKeyHints = "Keys: j / k next and previous event, c confirm, x reject, u undo";

export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  /** The focused element's tag name (upper case, as the DOM gives it) and editability. */
  target: { tagName: string; isContentEditable: boolean } | null;
};

const typingTags = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/** What a key press asks of the review, or null when it is not a review key here. */
export function reviewActionFor(press: KeyPress): ReviewAction | null {
  if (press.ctrlKey || press.altKey || press.metaKey) return null;
  if (press.target && (typingTags.has(press.target.tagName) || press.target.isContentEditable)) return null;
  return actions[press.key] ?? null;
}

/** The verdict an action gives (null: cleared); undefined for the moving actions. */
export function verdictOf(action: ReviewAction): "confirmed" | "false_positive" | null | undefined {
  if (action === "confirm") return "confirmed";
  if (action === "reject") return "false_positive";
  if (action === "clear") return null;
  return undefined;
}

/** The index after moving by `action` from `current` among `count` items, kept in range. */
export function movedIndex(action: "next" | "previous", current: number, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return action === "next" ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + (action === "next" ? 1 : -1)));
}
