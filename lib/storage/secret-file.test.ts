import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { readOrCreateSecretFile } from "./secret-file";

// Web replicas starting together on one DATA_DIR: separate processes race to make the secret.

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-secret-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("readOrCreateSecretFile", () => {
  it("gives every process racing to make it the same whole value, and leaves no draft behind", async () => {
    const file = path.join(dir, "race", "auth-secret");
    const script = `import("./lib/storage/secret-file.ts").then(({ readOrCreateSecretFile }) => process.stdout.write(readOrCreateSecretFile(${JSON.stringify(file)}, () => "secret-" + process.pid + "-" + "x".repeat(4000))))`;
    const outputs = await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, ["--import", "tsx", "-e", script])));
    const values = new Set(outputs.map((output) => output.stdout));
    expect(values.size).toBe(1);
    const [value] = values;
    expect(value).toMatch(/^secret-\d+-x{4000}$/);
    expect(fs.readFileSync(file, "utf8")).toBe(value);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["auth-secret"]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("reads an existing file without making anything", () => {
    const file = path.join(dir, "existing");
    fs.writeFileSync(file, "kept\n");
    expect(readOrCreateSecretFile(file, () => "new")).toBe("kept");
  });
});
