import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { makeWorkspace } from "./support/corpus.js";

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
beforeEach(async () => {
  workspace = await makeWorkspace();
});
afterEach(async () => workspace.cleanup());

describe("a long-running app", () => {
  it("picks up a build that another process published, without a restart", async () => {
    const config = loadConfig({ CORPUS_DIR: workspace.corpusDir, INDEX_DIR: workspace.indexDir });
    const bot = createApp(config, { indexCheckMs: 0 });
    await bot.ingest();
    expect((await bot.index()).articles.size).toBe(8);
    await writeFile(
      path.join(workspace.corpusDir, "late.jsonl"),
      JSON.stringify({
        id: "late",
        title: "Harbour cranes automated",
        text: "Dock workers voted on crane automation at the port on Monday.",
      }),
    );
    // `npm run ingest` in another process.
    await createApp(config).ingest();
    const reloaded = await bot.index();
    expect(reloaded.articles.size).toBe(9);
    expect((await bot.ask("What did dock workers vote on?")).answer).toMatch(/crane automation/);
  });
});
