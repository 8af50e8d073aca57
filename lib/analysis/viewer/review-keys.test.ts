import { describe, expect, it } from "vitest";
import { movedIndex, reviewActionFor, verdictOf, type KeyPress } from "./review-keys";

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, altKey: false, metaKey: false, target: { tagName: "BODY", isContentEditable: false }, ...more });

describe("review keys", () => {
  it("maps c, x, u, j and k to the review's actions, and nothing else", () => {
    expect(["c", "x", "u", "j", "k"].map((key) => reviewActionFor(press(key)))).toEqual(["confirm", "reject", "clear", "next", "previous"]);
    // The viewer's own keys stay the player's and the timeline's.
    expect([",", ".", "ArrowLeft", "Home", " ", "C", "r"].map((key) => reviewActionFor(press(key)))).toEqual([null, null, null, null, null, null, null]);
  });

  it("leaves typing and browser shortcuts alone", () => {
    expect(reviewActionFor(press("c", { target: { tagName: "INPUT", isContentEditable: false } }))).toBeNull();
    expect(reviewActionFor(press("x", { target: { tagName: "SELECT", isContentEditable: false } }))).toBeNull();
    expect(reviewActionFor(press("u", { target: { tagName: "DIV", isContentEditable: true } }))).toBeNull();
    expect(reviewActionFor(press("c", { ctrlKey: true }))).toBeNull();
    expect(reviewActionFor(press("k", { metaKey: true }))).toBeNull();
    expect(reviewActionFor(press("j", { target: null }))).toBe("next");
  });

  it("gives each verdict action its verdict", () => {
    expect([verdictOf("confirm"), verdictOf("reject"), verdictOf("clear"), verdictOf("next")]).toEqual(["confirmed", "false_positive", null, undefined]);
  });

  it("moves within the list, starting from its ends when nothing is chosen", () => {
    expect(movedIndex("next", -1, 3)).toBe(0);
    expect(movedIndex("previous", -1, 3)).toBe(2);
    expect(movedIndex("next", 2, 3)).toBe(2);
    expect(movedIndex("previous", 0, 3)).toBe(0);
    expect(movedIndex("next", 0, 3)).toBe(1);
    expect(movedIndex("next", -1, 0)).toBe(-1);
  });
});
