import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readJsonLines, writeJsonLines } from "../../src/index/json-lines.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "newsdesk-jsonl-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("JSON lines", () => {
  it("round-trips values across the writer's and reader's buffer boundaries", async () => {
    // Values with newlines, quotes and multi-byte characters, about 6 MB in all, so both the
    // writer's 1 MB flushes and the reader's 1 MB pieces split values in the middle.
    const values = Array.from({ length: 3000 }, (_, i) => ({
      i,
      text: `line one\nline "two" – ${"é€😀".repeat(i % 7)} ${"x".repeat(2000)}`,
    }));
    const file = path.join(dir, "values.jsonl");
    await writeJsonLines(file, values);
    const raw = await readFile(file, "utf8");
    expect(raw.split("\n")).toHaveLength(values.length + 1);
    const back: typeof values = [];
    await readJsonLines<(typeof values)[number]>(file, (value) => back.push(value));
    expect(back).toEqual(values);
  });

  it("reads a last line without a newline and skips blank lines", async () => {
    const file = path.join(dir, "loose.jsonl");
    await writeFile(file, '[1,"a"]\n\n[2,"b"]');
    const back: unknown[] = [];
    await readJsonLines(file, (value) => back.push(value));
    expect(back).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
  });

  it("rejects when the file cannot be written", async () => {
    await expect(writeJsonLines(path.join(dir, "missing", "x.jsonl"), [1])).rejects.toThrow(/ENOENT/);
  });
});
