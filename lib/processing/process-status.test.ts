import { describe, expect, it } from "vitest";
import type { Job } from "@/lib/db/schema";
import { createStatusGate, processProgressOf, processStatusOf, toProcessStatus, toStatusUpdate } from "./process-status";

const at = new Date("2026-12-01T10:00:00.000Z");
function job(overrides: Partial<Job>): Job {
  return {
    id: "j1", kind: "enhance", status: "pending", phase: null, processed: 0, total: 0, currentStep: null, priority: 0, payload: {},
    resultPayload: null, errorMessage: null, ownerId: null, videoId: "f1", tripId: null, clientId: "c1", clipVersionId: null, runId: null, queueKey: null, dispatchedAt: null,
    createdAt: at, updatedAt: at, startedAt: null, completedAt: null, ...overrides,
  };
}

describe("the enhance-metadata contract's view of a job", () => {
  it("maps job statuses onto pending, processing, completed and failed", () => {
    expect(["pending", "queued", "in_progress", "completed", "failed", "cancelled"].map((status) => processStatusOf({ status } as Job))).toEqual([
      "pending", "pending", "processing", "completed", "failed", "failed",
    ]);
    expect(processProgressOf(job({ status: "in_progress", processed: 42, total: 100 }))).toBe(42);
    expect(processProgressOf(job({ status: "completed", processed: 97, total: 100 }))).toBe(100);
  });

  it("writes the status_update and status answer shapes", () => {
    expect(toStatusUpdate(job({ kind: "metadata", status: "failed", processed: 30, total: 100, errorMessage: "Enhancement failed: boom" }))).toEqual({
      type: "status_update", file_id: "f1", process_type: "metadata_extraction", status: "failed", progress: 30, error: "Enhancement failed: boom",
      timestamp: "2026-12-01T10:00:00.000Z",
    });
    expect(toStatusUpdate(job({ kind: "analyze" }))).toBeNull();
    expect(toProcessStatus(job({ status: "in_progress", processed: 5, total: 100 }), null)).toEqual({
      status: "processing", progress: 5, error: null, last_updated: "2026-12-01T10:00:00.000Z",
    });
  });

  it("lets a socket see each process move forward only", () => {
    const gate = createStatusGate();
    const update = (status: string, progress: number, type = "video_enhancement") => ({ type: "status_update", file_id: "f1", process_type: type, status, progress });
    expect(gate({ type: "connection" })).toBe(true);
    expect(gate(update("pending", 0))).toBe(true);
    expect(gate(update("processing", 20))).toBe(true);
    expect(gate(update("processing", 10))).toBe(false);
    expect(gate(update("pending", 0))).toBe(false);
    expect(gate(update("pending", 0, "metadata_extraction"))).toBe(true);
    expect(gate(update("completed", 100))).toBe(true);
    expect(gate(update("completed", 100))).toBe(false);
  });
});
