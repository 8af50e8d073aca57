import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ArgumentKind } from "@/lib/http/server-actions";
import { actionArguments } from "./action-arguments";

/** What a parameter's declared type takes on the wire. */
function kindOf(type: string): "text" | "form" | "state" | "record" {
  if (type === "FormData") return "form";
  if (type === "FormState") return "state";
  if (type === "string" || /^"[^"]+"(\s*\|\s*"[^"]+")*$/.test(type)) return "text";
  if (/^Record<string, \w+>$/.test(type)) return "record";
  throw new Error(`no argument kind for the parameter type ${type}`);
}

/** Every "use server" file's exported actions, with their parameters' kinds. */
function declaredActions(dir: string): Record<string, ArgumentKind[]> {
  const found: Record<string, ArgumentKind[]> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || entry.name.endsWith(".test.ts")) continue;
    const source = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    if (!/^["']use server["'];/m.test(source)) continue;
    for (const match of source.matchAll(/export async function (\w+)\(([^)]*)\)/g)) {
      const parameters = match[2].split(/,(?![^<]*>)/).map((part) => part.trim()).filter(Boolean);
      found[match[1]] = parameters.map((parameter): ArgumentKind => {
        const kind = kindOf(parameter.slice(parameter.indexOf(":") + 1).trim());
        return /^\w+\?:/.test(parameter) ? `${kind}?` : kind;
      });
    }
  }
  return found;
}

describe("actionArguments", () => {
  it("lists every server action with the kinds of the parameters it declares", () => {
    const declared = declaredActions(import.meta.dirname);
    expect(Object.keys(declared).length).toBeGreaterThan(5);
    expect(actionArguments).toEqual(declared);
  });
});
