import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace } from "../support/corpus.js";
import { PROJECT_ROOT, runScript } from "../support/spawn.js";

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  workspace = await makeWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, INDEX_DIR: workspace.indexDir, REFERENCE_DATE: "2025-07-26" };
}, 60_000);
afterAll(async () => {
  await workspace.cleanup();
});

const QUESTION = "How many Patriot missile systems has Ukraine secured?";

describe("the command-line contract", () => {
  it("ask without an index says to run ingest, with a non-zero exit", async () => {
    const result = await runScript("src/cli/ask.ts", [QUESTION], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Run `npm run ingest` first/);
    expect(result.stdout).toBe("");
  });

  it("ingest prints a one-line summary with documents, chunks, seconds and chunks per second", async () => {
    const result = await runScript("src/cli/ingest.ts", [], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toMatch(/Indexed 8 documents, \d+ chunks from 5 files .* in \d+\.\d s, \d+ chunks\/s/);
    const again = await runScript("src/cli/ingest.ts", [], { env });
    expect(again.stdout).toMatch(/Index is up to date: 8 documents/);
  });

  it("ask prints a cited answer followed by the numbered sources", async () => {
    const result = await runScript("src/cli/ask.ts", [QUESTION], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/three Patriot missile defence systems.*\[1\]/);
    expect(result.stdout).toMatch(/\nSources:\n\[1\] .+\(002_351b40bd90625af1\.txt\)/);
  });

  it("ask --json prints exactly one JSON object with the documented fields", async () => {
    const result = await runScript("src/cli/ask.ts", ["--json", QUESTION], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0] ?? "");
    expect(answer).toMatchObject({ question: QUESTION, answered: true });
    expect(answer.citations[0]).toEqual({
      n: 1,
      docId: expect.stringMatching(/^[0-9a-f]{16}$/),
      title: expect.any(String),
      source: null,
      published: null,
      url: null,
      file: "002_351b40bd90625af1.txt",
      quote: expect.stringContaining("Patriot"),
    });
  });

  it("ask --json --stdin answers one question per line, one JSON object per line, in order", async () => {
    const input = `${QUESTION}\n\nWhat is the recipe for banana bread?\n${"x".repeat(2100)}\nWho led the Russian delegation at the peace talks?\n`;
    const result = await runScript("src/cli/ask.ts", ["--json", "--stdin"], { env, input });
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ question: QUESTION, answered: true });
    expect(lines[1]).toMatchObject({ answered: false, citations: [] });
    expect(lines[2].error).toMatch(/limit is 2000/);
    expect(lines[3].answer).toMatch(/Medinsky/);
    expect(result.code).toBe(2);
  });

  it("narrows to an outlet and a date range with --source, --from and --to", async () => {
    const question = "What did Ukraine's drone attack on Russian air bases destroy?";
    const hill = await runScript("src/cli/ask.ts", ["--json", "--source", "The Hill", question], { env });
    const answer = JSON.parse(hill.stdout);
    expect(answer.answered).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const citation of answer.citations) expect(citation.source).toBe("The Hill");
    const yahoo = await runScript("src/cli/ask.ts", ["--json", "--source", "yahoo", question], { env });
    for (const citation of JSON.parse(yahoo.stdout).citations) expect(citation.source).toBe("Yahoo");
    const dated = await runScript("src/cli/ask.ts", ["--json", "--from", "2020-01-01", question], { env });
    // The seeds carry no publication dates, so nothing is in range and nothing is cited.
    expect(JSON.parse(dated.stdout)).toMatchObject({ answered: false, citations: [] });
    const bad = await runScript("src/cli/ask.ts", ["--from", "last tuesday", question], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from must look like 2025-07-25/);
  });

  it("refuses an empty question and an over-long one with a clear message and a non-zero exit", async () => {
    const empty = await runScript("src/cli/ask.ts", ["   "], { env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/question was empty/);
    const long = await runScript("src/cli/ask.ts", ["y".repeat(2001)], { env });
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/2001 characters long; the limit is 2000/);
  });

  it("names a bad setting in a one-line error", async () => {
    const result = await runScript("src/cli/ask.ts", [QUESTION], { env: { ...env, TOP_K: "many" } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^error: Invalid setting TOP_K/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("npm run ask -- --json works through npm (banner lines aside)", async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn("npm", ["run", "-s", "ask", "--", "--json", QUESTION], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...env },
      });
      let out = "";
      child.stdout.on("data", (data: Buffer) => {
        out += data.toString();
      });
      child.on("error", reject);
      child.on("close", () => resolve(out));
    });
    expect(JSON.parse(stdout.trim())).toMatchObject({ answered: true });
  });
});

describe("npm start without a Discord token", () => {
  it("ingests and answers questions piped on standard input, then exits", async () => {
    const result = await runScript("src/cli/start.ts", [], { env, input: `${QUESTION}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/three Patriot missile defence systems/);
    expect(result.stdout).toMatch(/Sources:/);
  });
});
