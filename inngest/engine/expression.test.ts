import { describe, expect, it } from "vitest";
import { compileExpression } from "./expression";

describe("the CEL subset", () => {
  const event = { data: { jobId: "j1", priority: 5, plan: "pro", size: 120, user: { id: "u" } } };

  it("evaluates what the SDK and our functions generate", () => {
    expect(compileExpression("event.data.jobId == async.data.jobId").evaluate({ event, async: { data: { jobId: "j1" } } })).toBe(true);
    expect(compileExpression("event.data.jobId == async.data.jobId").evaluate({ event, async: { data: { jobId: "j2" } } })).toBe(false);
    expect(compileExpression("event.data.function_id == 'app-f'").evaluate({ event: { data: { function_id: "app-f" } } })).toBe(true);
    expect(compileExpression("event.data.priority").evaluate({ event })).toBe(5);
    expect(compileExpression('"media"').evaluate({})).toBe("media");
    expect(compileExpression("event.data.plan == 'pro' ? 120 : -60").evaluate({ event })).toBe(120);
    expect(compileExpression("event.data.size > 100 && !(event.data.plan != \"pro\")").evaluate({ event })).toBe(true);
    expect(compileExpression("event.data.user.id + '-' + event.data.plan").evaluate({ event })).toBe("u-pro");
    expect(compileExpression("event.data.missing.deeper == null").evaluate({ event })).toBe(true);
  });

  it("refuses syntax outside the subset", () => {
    expect(() => compileExpression("size(event.data.items) > 2")).toThrow(/Unsupported expression/);
    expect(() => compileExpression("event.data.x in [1, 2]")).toThrow(/Unsupported expression/);
    expect(() => compileExpression("now.data")).toThrow(/unknown name 'now'/);
  });
});
