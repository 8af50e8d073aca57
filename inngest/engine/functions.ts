import { compileExpression, type Expression } from "./expression";

/**
 * What the engine keeps of one synced function config (notes/inngest-protocol.md §1, §7).
 * Options the engine does not implement are listed in `ignored` and logged at sync time.
 */
export type FunctionSpec = {
  id: string;
  name: string;
  triggers: { event: string; expression?: Expression }[];
  /** retries + 1; Inngest's default is 3 retries. */
  maxAttempts: number;
  concurrency: { limit: number; scope: "fn" | "env" | "account"; key?: Expression }[];
  priority?: Expression;
  cancel: { event: string; if?: Expression; timeoutMs?: number }[];
  ignored: string[];
};

type RawConcurrency = { limit?: number; key?: string; scope?: "fn" | "env" | "account" };
type RawConfig = {
  id: string;
  name?: string;
  triggers?: { event?: string; expression?: string; cron?: string }[];
  steps?: Record<string, { retries?: { attempts?: number } }>;
  concurrency?: number | RawConcurrency | RawConcurrency[];
  priority?: { run?: string };
  cancel?: { event: string; if?: string; timeout?: string }[];
  [option: string]: unknown;
};

const unsupportedOptions = ["idempotency", "throttle", "rateLimit", "debounce", "singleton", "batchEvents", "timeouts"];

export function toFunctionSpec(raw: RawConfig): FunctionSpec {
  const ignored = unsupportedOptions.filter((option) => raw[option] !== undefined && raw[option] !== null);
  const triggers: FunctionSpec["triggers"] = [];
  for (const trigger of raw.triggers ?? []) {
    if (trigger.event) {
      triggers.push({ event: trigger.event, expression: trigger.expression ? compileExpression(trigger.expression) : undefined });
    } else if (trigger.cron) {
      ignored.push(`cron trigger "${trigger.cron}"`);
    }
  }
  const step = Object.values(raw.steps ?? {})[0];
  const retries = step?.retries?.attempts ?? 3;
  const concurrencyList =
    raw.concurrency === undefined ? [] : typeof raw.concurrency === "number" ? [{ limit: raw.concurrency }] : [raw.concurrency].flat();
  return {
    id: raw.id,
    name: raw.name ?? raw.id,
    triggers,
    maxAttempts: retries + 1,
    concurrency: concurrencyList
      .filter((entry) => (entry.limit ?? 0) > 0)
      .map((entry) => ({
        limit: entry.limit!,
        scope: entry.scope ?? "fn",
        key: entry.key ? compileExpression(entry.key) : undefined,
      })),
    priority: raw.priority?.run ? compileExpression(raw.priority.run) : undefined,
    cancel: (raw.cancel ?? []).map((entry) => ({
      event: entry.event,
      if: entry.if ? compileExpression(entry.if) : undefined,
      timeoutMs: entry.timeout ? parseDuration(entry.timeout) : undefined,
    })),
    ignored,
  };
}

/** Inngest event-name matching: exact, or a `prefix/*` wildcard. */
export function eventMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

const units: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** "1h30m", "10s", "500ms" -> milliseconds. Throws on anything else. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g)];
  if (!parts.length || parts.map((part) => part[0]).join("") !== text) throw new Error(`Unsupported duration "${text}"`);
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]], 0);
}

/** A `Sleep` op's name: a duration, or an ISO date for `sleepUntil`. Returns the wake time. */
export function sleepUntil(name: string, now = Date.now()): Date {
  if (/^\d{4}-\d{2}-\d{2}T/.test(name)) {
    const at = new Date(name);
    if (Number.isNaN(at.getTime())) throw new Error(`Unsupported sleep "${name}"`);
    return at;
  }
  return new Date(now + parseDuration(name));
}
