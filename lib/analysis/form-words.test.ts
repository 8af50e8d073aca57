import { describe, expect, it } from "vitest";
import { formErrorInWords, labelFromFileName, labelToSend, MAX_LABEL_LENGTH } from "./form-words";

describe("labelFromFileName", () => {
  it("drops the folder and the extension and reads separators as spaces", () => {
    expect(labelFromFileName("cabin_cam-02.mp4")).toBe("cabin cam 02");
    expect(labelFromFileName("C:\\videos\\trip.2026.avi")).toBe("trip 2026");
    expect(labelFromFileName("/tmp/vtest.mp4")).toBe("vtest");
  });
  it("keeps a dot file's name and never answers empty", () => {
    expect(labelFromFileName(".hidden")).toBe("hidden");
    expect(labelFromFileName("___.mp4")).toBe("Untitled video");
  });
  it("is cut to the longest label", () => {
    expect(labelFromFileName(`${"a".repeat(200)}.mp4`)).toHaveLength(MAX_LABEL_LENGTH);
  });
});

describe("labelToSend", () => {
  it("prefers what was typed, trimmed", () => {
    expect(labelToSend("  TRIP-7 ", "x.mp4")).toBe("TRIP-7");
    expect(labelToSend("   ", "night_shift.mov")).toBe("night shift");
  });
});

describe("formErrorInWords", () => {
  it("says the contract's field errors in the form's words", () => {
    expect(formErrorInWords(400, "tripId is required")).toBe("Give this analysis a name");
    expect(formErrorInWords(400, "cvvrFile is required")).toBe("Choose a video first");
    expect(formErrorInWords(400, "Invalid options 'rules.phoneUse.minSeconds': Number must be greater than 0")).toBe(
      "Check “Phone use: minimum seconds” in the analysis options: number must be greater than 0",
    );
    expect(formErrorInWords(400, "Invalid options: Expected object")).toBe("Check the analysis options: expected object");
  });
  it("names the size limit and the rate limit", () => {
    expect(formErrorInWords(413, "File size exceeds 500MB limit")).toBe("This file is too large: the limit is 500 MB. Trim or compress it and try again");
    expect(formErrorInWords(429, "Rate limit exceeded")).toMatch(/^Too many analyses/);
  });
  it("passes plain video checks through and never shows a bare 500", () => {
    expect(formErrorInWords(400, "File is not a video")).toBe("File is not a video");
    expect(formErrorInWords(500, "Internal Server Error")).toBe("The server could not start the analysis: try again in a moment");
    expect(formErrorInWords(0, "")).toBe("The server could not start the analysis: try again in a moment");
  });

  it("names the zone a server message is about, counted from 1", () => {
    expect(formErrorInWords(400, "Invalid options 'zones.0.points': a zone needs at least 3 points")).toBe("Check zone 1 (its points): a zone needs at least 3 points");
    expect(formErrorInWords(400, "Invalid options 'zones': zone names must differ")).toBe("Check the zones: zone names must differ");
  });
});
