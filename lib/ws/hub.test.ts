import { describe, expect, it } from "vitest";
import { listenerCount, publish, subscribe, topics } from "./hub";

describe("hub", () => {
  it("delivers a message to every subscriber of a topic and none of another", () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const other: unknown[] = [];
    const offA = subscribe(topics.job("1"), (m) => a.push(m));
    const offB = subscribe(topics.job("1"), (m) => b.push(m));
    const offOther = subscribe(topics.job("2"), (m) => other.push(m));
    expect(publish(topics.job("1"), { progress: 5 })).toBe(2);
    expect(a).toEqual([{ progress: 5 }]);
    expect(b).toEqual([{ progress: 5 }]);
    expect(other).toEqual([]);
    offA();
    offB();
    offOther();
    expect(listenerCount(topics.job("1"))).toBe(0);
  });

  it("keeps delivering when one listener throws", () => {
    const seen: unknown[] = [];
    const offBad = subscribe("t", () => {
      throw new Error("boom");
    });
    const offGood = subscribe("t", (m) => seen.push(m));
    publish("t", 1);
    expect(seen).toEqual([1]);
    offBad();
    offGood();
  });

  it("shares one registry across module copies through globalThis", async () => {
    const seen: unknown[] = [];
    const off = subscribe("shared", (m) => seen.push(m));
    const registry = (globalThis as { __framewiseHubState?: { listeners: Map<string, Set<unknown>> } }).__framewiseHubState?.listeners;
    expect(registry?.get("shared")?.size).toBe(1);
    off();
  });

  it("hands each listener the message's audience, for the socket side to judge", () => {
    const seen: unknown[] = [];
    const off = subscribe(topics.client("c"), (message, audience) => seen.push([message, audience]));
    publish(topics.client("c"), 1, { ownerId: "u1" });
    publish(topics.client("c"), 2);
    expect(seen).toEqual([[1, { ownerId: "u1" }], [2, undefined]]);
    off();
  });
});
