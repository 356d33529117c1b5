import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace } from "../support/corpus.js";
import { runScript } from "../support/spawn.js";

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  workspace = await makeWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, INDEX_DIR: workspace.indexDir, REFERENCE_DATE: "2025-07-26" };
  const ingest = await runScript("src/cli/ingest.ts", [], { env });
  if (ingest.code !== 0) throw new Error(ingest.stderr);
}, 60_000);
afterAll(async () => {
  await workspace.cleanup();
});

describe("npm run digest", () => {
  it("--all --json prints the digest contract with every story and its cited files", async () => {
    const result = await runScript("src/cli/digest.ts", ["--all", "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    const digest = JSON.parse(result.stdout);
    expect(digest.since).toBeNull();
    expect(Date.parse(digest.generatedAt)).not.toBeNaN();
    expect(digest.stories).toHaveLength(5);
    const [top] = digest.stories;
    expect(top).toMatchObject({
      headline: "Russia rules out Putin-Zelenskyy meeting until end of peace talks",
      outlets: [],
    });
    expect([...top.files].sort()).toEqual([
      "000_00e4ec12b4e5cdc5.txt",
      "001_f27a532cdd26be91.txt",
      "002_351b40bd90625af1.txt",
    ]);
    expect(top.citations[0]).toEqual({
      n: 1,
      docId: expect.any(String),
      title: expect.any(String),
      source: null,
      file: expect.stringMatching(/^00[0-2]_/),
      quote: expect.any(String),
    });
  });

  it("prints Markdown by default; a window before the seeds arrived holds no story", async () => {
    const markdown = await runScript("src/cli/digest.ts", ["--since", "2d"], { env });
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/^# News digest \(since .* UTC\)\n\n## 1\. Russia rules out/);
    const old = await runScript("src/cli/digest.ts", ["--since", "2025-07-01", "--date", "2025-07-26", "--json"], {
      env,
    });
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout)).toMatchObject({ since: "2025-07-01T00:00:00.000Z", stories: [] });
  });

  it("rejects a bad --since and conflicting flags with one line and exit 2", async () => {
    for (const args of [
      ["--since", "yesterdayish"],
      ["--all", "--since", "2d"],
      ["--json", "--markdown"],
    ]) {
      const result = await runScript("src/cli/digest.ts", args, { env });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: (--since must be|Choose one of)/);
    }
  });
});

describe("npm run summary", () => {
  it("--topic --json prints the summary with citations in the digest's form", async () => {
    const result = await runScript("src/cli/summary.ts", ["--topic", "Putin Zelensky meeting", "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ kind: "topic", subject: "Putin Zelensky meeting", answered: true });
    expect(summary.summary).toMatch(/\[1\]/);
    expect(Object.keys(summary.citations[0])).toEqual(["n", "docId", "title", "source", "file", "quote"]);
  });

  it("--article and --period print cited text and the sources", async () => {
    const digest = JSON.parse((await runScript("src/cli/digest.ts", ["--all", "--json"], { env })).stdout);
    const docId = digest.stories[0].articles[0];
    const article = await runScript("src/cli/summary.ts", ["--article", docId], { env });
    expect(article.code).toBe(0);
    expect(article.stdout).toMatch(/\[1\][\s\S]*\nSources:\n\[1\] /);
    const period = await runScript("src/cli/summary.ts", ["--period", "all"], { env });
    expect(period.stdout).toMatch(/^\*\*Russia rules out Putin-Zelenskyy meeting until end of peace talks\*\*/);
  });

  it("needs exactly one subject and a known period", async () => {
    for (const args of [[], ["--topic", "x", "--period", "all"], ["--period", "month"], ["--article", "nope"]]) {
      const result = await runScript("src/cli/summary.ts", args, { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: (Give exactly one|--period must be|No article with id nope)/);
    }
  });
});
