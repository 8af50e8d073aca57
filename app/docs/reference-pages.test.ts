import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { findReferencePage, referencePages } from "./reference-pages";

describe("reference pages", () => {
  it("lists every file in docs/, each read from its own file", async () => {
    const files = (await readdir("docs")).filter((name) => name.endsWith(".md")).sort();
    expect(referencePages.map(({ slug }) => `${slug}.md`).sort()).toEqual(files);
    for (const page of referencePages) {
      const text = await page.read();
      expect(text.startsWith("# "), page.slug).toBe(true);
    }
  });

  it("finds only the listed names", () => {
    expect(findReferencePage("reframer")?.slug).toBe("reframer");
    for (const name of ["../README", "..%2FREADME", "reframer.md", "constructor", "__proto__", "", "assets"]) {
      expect(findReferencePage(name), name).toBeUndefined();
    }
  });
});
