import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCorpusFiles } from "../../src/corpus/files.js";
import { splitArticles } from "../../src/corpus/split.js";

const PROSE = "Officials said on Tuesday that the talks had ended without an agreement on the main points.";

describe("splitArticles", () => {
  it("splits at headlines that are repeated and followed by an outlet and a relative time", () => {
    const segments = splitArticles([
      "logo",
      "First headline of the page",
      "",
      "First headline of the page",
      "Yahooa day ago",
      PROSE,
      "Related Articles",
      "Second headline of the page",
      "Second headline of the page",
      "The Hill",
      "time28 minutes ago",
      "  • The Hill",
      "Second headline of the page",
      PROSE,
    ]);
    expect(segments).toEqual([
      { title: "First headline of the page", source: "Yahoo", lines: [PROSE, "Related Articles"] },
      { title: "Second headline of the page", source: "The Hill", lines: [PROSE] },
    ]);
  });

  it("does not split at a subheading, which is neither repeated nor followed by a time", () => {
    const lines = [PROSE, "Ukraine secures three Patriot missile systems", PROSE];
    expect(splitArticles(lines)).toEqual([{ lines }]);
  });

  it("does not split at a repeated title without an outlet or time line", () => {
    const lines = ["Kremlin indicates lack of progress", "1. HOME", "Kremlin indicates lack of progress", PROSE];
    expect(splitArticles(lines)).toHaveLength(1);
  });

  it("keeps prose before the first header as an article of its own", () => {
    const segments = splitArticles([
      PROSE,
      "Headline of related story",
      "Headline of related story",
      "2 hours ago",
      PROSE,
    ]);
    expect(segments).toHaveLength(2);
    expect(segments[0]).toEqual({ lines: [PROSE] });
    expect(segments[1]?.title).toBe("Headline of related story");
  });

  it("yields no article for a header without body", () => {
    const segments = splitArticles([PROSE, "Headline of related story", "Headline of related story", "2 hours ago"]);
    expect(segments).toEqual([{ lines: [PROSE] }]);
  });
});

describe("listCorpusFiles", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "newsdesk-corpus-"));
    await mkdir(join(dir, "b", "deep"), { recursive: true });
    await mkdir(join(dir, ".hidden"));
    await mkdir(join(dir, "node_modules", "pkg"), { recursive: true });
    for (const file of [
      "z.txt",
      "a.md",
      "b/page.HTML",
      "b/deep/rows.jsonl",
      "b/deep/x.json",
      "c.markdown",
      "d.htm",
      "e.pdf",
      "notes",
      ".secret.txt",
      ".hidden/in.txt",
      "node_modules/pkg/readme.md",
    ]) {
      await writeFile(join(dir, file), "text");
    }
    await symlink(join(dir, "b"), join(dir, "loop-link"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lists supported files recursively, relative with forward slashes, sorted, skipping hidden files, node_modules and folder links", async () => {
    expect(await listCorpusFiles(dir)).toEqual([
      "a.md",
      "b/deep/rows.jsonl",
      "b/deep/x.json",
      "b/page.HTML",
      "c.markdown",
      "d.htm",
      "z.txt",
    ]);
  });
});
