import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace } from "../support/corpus.js";
import { FakeDiscord } from "../support/fake-discord.js";
import { PROJECT_ROOT, runScript } from "../support/spawn.js";

/**
 * `npm start` with a token, as a real process: ingests, registers the commands for
 * DISCORD_GUILD_ID, logs in to the local fake Discord, answers, and on SIGTERM finishes and
 * exits 0. Nothing it prints contains the token.
 */
let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let discord: FakeDiscord;

beforeAll(async () => {
  workspace = await makeWorkspace();
  discord = await FakeDiscord.start({ token: "fake-token-0123456789-abcdefghijklmnop" });
});
afterAll(async () => {
  await discord.close();
  await workspace.cleanup();
});

describe("npm start with DISCORD_TOKEN", () => {
  it("serves the bot and shuts down cleanly on SIGTERM", async () => {
    const guild = discord.addGuild({ name: "Newsroom" });
    const channelId = discord.addChannel(guild.id, { name: "news" });
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "src/cli/start.ts")], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        NODE_NO_WARNINGS: "1",
        CORPUS_DIR: workspace.corpusDir,
        DATA_DIR: path.join(workspace.root, "data"),
        DISCORD_TOKEN: discord.token,
        DISCORD_API_BASE: discord.apiBase,
        DISCORD_GUILD_ID: guild.id,
        REFERENCE_DATE: "2025-07-26",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (data: Buffer) => {
      output += data.toString();
    });
    child.stderr.on("data", (data: Buffer) => {
      output += data.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      await discord.waitUntilConnected({ timeoutMs: 30_000 });
      expect(discord.registeredCommands.guild.get(guild.id)?.map((command) => command.name)).toContain("ask");
      const sent = await discord.sendSlashCommand({
        guildId: guild.id,
        channelId,
        name: "ask",
        options: [{ name: "question", type: 3, value: "Which US envoys met Putin in Moscow?" }],
      });
      const edit = await discord.waitForCall(
        (call) => call.method === "PATCH" && call.path.includes(sent.token) && call.path.endsWith("@original"),
        { timeoutMs: 15_000 },
      );
      expect(JSON.stringify(edit.body)).toMatch(/Witkoff/);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).toMatch(/"message":"stopped"/);
    expect(output).not.toContain(discord.token);
  }, 60_000);

  it("says in one line that Discord rejected the token, without printing it, and exits 2", async () => {
    const wrongToken = "wrong-token-0123456789-abcdefghijklmnop";
    const { code, stderr } = await runScript("src/cli/start.ts", [], {
      env: {
        CORPUS_DIR: workspace.corpusDir,
        DATA_DIR: path.join(workspace.root, "data"),
        DISCORD_TOKEN: wrongToken,
        DISCORD_API_BASE: discord.apiBase,
      },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: Discord rejected DISCORD_TOKEN/m);
    expect(stderr).not.toContain(wrongToken);
  }, 60_000);
});
