import { describe, expect, it } from "vitest";
import { startErrorInWords } from "./send-form";
import { productIdOf } from "@/lib/features/product-id";

describe("a failed start in words", () => {
  it("keeps the server's sentence where it is the caller's to fix, and says the rest", () => {
    expect(startErrorInWords(0, undefined, "the reframe")).toMatch(/connection dropped/);
    expect(startErrorInWords(413, "File exceeds 500MB limit", "the reframe")).toBe("This file is too large: the limit is 500MB. Trim or compress it and try again");
    expect(startErrorInWords(400, "Invalid file format", "the reframe")).toMatch(/not a video we can read/);
    expect(startErrorInWords(401, "Not signed in", "the transcript")).toBe("Sign in to start the transcript");
    expect(startErrorInWords(400, "Request body 'fps': must be at most 10", "the extraction")).toBe("fps: must be at most 10");
    expect(startErrorInWords(500, "Internal error", "the extraction")).toBe("The server could not start the extraction: try again in a moment");
  });
});

describe("product ids from names", () => {
  it("are what the API takes, or a numbered default", () => {
    expect(productIdOf("Red Mug (large)", 0)).toBe("red-mug-large");
    expect(productIdOf("  ", 2)).toBe("product-3");
    expect(productIdOf("Café", 0)).toBe("cafe");
  });
});
