import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeDocId } from "../../src/corpus/ids.js";
import { parseCorpusFile } from "../../src/corpus/parse.js";

const PROSE_A =
  "Metropolis officials said on Friday that the river bridge would reopen next week after months of repairs.";
const PROSE_B = "The mayor told reporters that traffic would be monitored closely once the bridge reopens to cars.";

function parse(file: string, content: string | Buffer) {
  return parseCorpusFile(file, typeof content === "string" ? Buffer.from(content) : content);
}

describe("HTML pages", () => {
  const page = `<!doctype html><html><head>
<title>Bridge to reopen next week | Daily Planet</title>
<meta property="og:title" content="Bridge to reopen next week">
<meta property="og:site_name" content="Daily Planet">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2024-05-03T10:00:00Z">
<link rel="canonical" href="https://www.dailyplanet.com/news/bridge">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<header><div class="logo">Daily Planet</div></header>
<main><article><h1>Bridge to reopen next week</h1>
<p>${PROSE_A}</p><h2>Traffic plan</h2><p>${PROSE_B}</p>
<p>Subscribe to our newsletter for more local news.</p><div class="share">Share</div>
</article></main>
<footer><p>© 2024 Daily Planet. All rights reserved.</p><p><a>Privacy policy</a></p></footer>
</body></html>`;

  it("extracts the main text without navigation, footer or prompts", () => {
    const { articles, warnings } = parse("pages/bridge.html", page);
    expect(warnings).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]?.text).toBe(`${PROSE_A}\n\nTraffic plan\n\n${PROSE_B}`);
  });

  it("reads title, outlet, author, date and canonical URL from the meta tags", () => {
    const [article] = parse("pages/bridge.html", page).articles;
    expect(article).toMatchObject({
      title: "Bridge to reopen next week",
      source: "Daily Planet",
      author: "Lois Lane",
      published: "2024-05-03",
      url: "https://www.dailyplanet.com/news/bridge",
      file: "pages/bridge.html",
      part: 0,
    });
  });

  it("falls back to <title>, <time datetime> and og:url when the preferred tags are missing", () => {
    const html = `<html><head><title>Council passes budget</title><meta property="og:url" content="https://news.example.org/budget"></head>
<body><p><time datetime="2023-10-05">Oct 5</time></p><p>${PROSE_A}</p><p>${PROSE_B}</p></body></html>`;
    const [article] = parse("budget.htm", html).articles;
    expect(article?.title).toBe("Council passes budget");
    expect(article?.published).toBe("2023-10-05");
    expect(article?.url).toBe("https://news.example.org/budget");
    expect(article?.source).toBe("news.example.org");
  });

  it("reads a bare HTML fragment", () => {
    const { articles } = parse("frag.html", `<p>${PROSE_A}</p>`);
    expect(articles[0]?.text).toBe(PROSE_A);
  });
});

describe("plain text and Markdown", () => {
  it("reads a Markdown article: front matter, leading # title, stripped syntax", () => {
    const md = [
      "---",
      'title: "Bridge to reopen"',
      "date: 2024-02-01",
      "author: Jane Roe",
      "source: The Example Times",
      "---",
      "Some **bold** text and a [link](https://example.com) about the _bridge_ and its `repairs`, officials said.",
      "",
      "## Traffic plan",
      "",
      PROSE_B,
    ].join("\n");
    const [article] = parse("notes/bridge.md", md).articles;
    expect(article).toMatchObject({
      title: "Bridge to reopen",
      published: "2024-02-01",
      author: "Jane Roe",
      source: "The Example Times",
    });
    expect(article?.text).toBe(
      `Some bold text and a link about the bridge and its repairs, officials said.\n\nTraffic plan\n\n${PROSE_B}`,
    );
  });

  it("takes a leading '# Title' as the Markdown title", () => {
    const [article] = parse("a.markdown", `# Bridge reopens\n\n${PROSE_A}\n`).articles;
    expect(article?.title).toBe("Bridge reopens");
    expect(article?.text).toBe(PROSE_A);
  });

  it("rejoins hard-wrapped plain text into paragraphs", () => {
    const wrapped = [
      "Bridge reopens after repairs",
      "",
      "Metropolis officials said on Friday that the river bridge would",
      "reopen next week after months of repairs that closed the main road",
      "and forced thousands of commuters onto ferries and buses.",
      "",
      "The mayor told reporters that traffic would be monitored closely",
      "once the bridge reopens to cars, and that further work could begin",
      "in the autumn if the council approves the funding for it.",
    ].join("\n");
    const [article] = parse("wrapped.txt", wrapped).articles;
    expect(article?.title).toBe("Bridge reopens after repairs");
    expect(article?.text.split("\n\n")).toHaveLength(2);
    expect(article?.text).toContain("would reopen next week");
  });
});

describe("JSON and JSON Lines records", () => {
  const realtimeqaRow = {
    id: "9f04ba019232",
    url: "https://www.usatoday.com/story/news/politics/2025/08/28/x/1/",
    title: "Trump administration planning major ICE operations in Chicago ...",
    authors: [],
    published: "2025-08-28",
    text: `Aug. 28, 2025 Updated Aug. 29, 2025, 4:47 p.m. ET\n\nAI-assisted summary ${PROSE_A}\n\n${PROSE_B}\n\nSign up for our newsletter here.`,
  };
  const multihopRecord = {
    title: "ASX set to drop as Wall Street's September slump deepens",
    author: "Stan Choe",
    source: "The Sydney Morning Herald",
    published_at: "2023-09-26T21:25:57+00:00",
    category: "business",
    url: "https://www.smh.com.au/business/markets/asx-set-to-drop.html",
    body: `${PROSE_A}\n\nAdvertisement\n\n${PROSE_B}`,
  };

  it("loads the realtimeqa row shape and cleans its text", () => {
    const { articles, warnings } = parse("rtq.jsonl", `${JSON.stringify(realtimeqaRow)}\n`);
    expect(warnings).toEqual([]);
    expect(articles[0]).toEqual({
      docId: makeDocId("rtq.jsonl", "9f04ba019232"),
      title: realtimeqaRow.title,
      source: "USA TODAY",
      author: null,
      published: "2025-08-28",
      url: realtimeqaRow.url,
      file: "rtq.jsonl",
      part: 0,
      text: `${PROSE_A}\n\n${PROSE_B}`,
    });
  });

  it("loads MultiHop-RAG records from a JSON array, keeping their outlet, author and date", () => {
    const { articles } = parse(
      "mh.json",
      JSON.stringify([multihopRecord, { ...multihopRecord, title: "Second", author: null }]),
    );
    expect(articles).toHaveLength(2);
    expect(articles[0]).toMatchObject({
      title: multihopRecord.title,
      source: "The Sydney Morning Herald",
      author: "Stan Choe",
      published: "2023-09-26",
      url: multihopRecord.url,
      text: `${PROSE_A}\n\n${PROSE_B}`,
      part: 0,
    });
    expect(articles[1]).toMatchObject({ title: "Second", author: null, part: 1 });
    // Without an id field the key is the row number.
    expect(articles[1]?.docId).toBe(makeDocId("mh.json", 1));
  });

  it("loads a single record object and the alternative field names", () => {
    const record = {
      headline: "Budget passes",
      content: PROSE_A,
      link: "https://www.thehill.com/a",
      date: "March 3, 2024",
      authors: ["A. Writer", "B. Writer"],
    };
    const [article] = parse("one.json", JSON.stringify(record)).articles;
    expect(article).toMatchObject({
      title: "Budget passes",
      url: "https://www.thehill.com/a",
      source: "The Hill",
      published: "2024-03-03",
      author: "A. Writer, B. Writer",
    });
  });

  it("warns about a malformed JSON line with its line number and still loads the other rows", () => {
    const lines = [
      JSON.stringify({ id: "a", title: "First", text: PROSE_A }),
      "{not json",
      "",
      JSON.stringify({ id: "c", title: "Third", text: PROSE_B }),
    ];
    const { articles, warnings } = parse("rows.jsonl", lines.join("\n"));
    expect(articles.map((article) => article.title)).toEqual(["First", "Third"]);
    expect(articles.map((article) => article.part)).toEqual([0, 2]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: "rows.jsonl", line: 2 });
    expect(warnings[0]?.message).toMatch(/malformed JSON line/);
  });

  it("warns about records without text and about non-object rows", () => {
    const { articles, warnings } = parse(
      "rows.jsonl",
      [JSON.stringify({ title: "Empty", text: "" }), "[1,2]", JSON.stringify({ text: PROSE_A })].join("\n"),
    );
    expect(articles).toHaveLength(1);
    expect(warnings.map((warning) => warning.line)).toEqual([1, 2]);
  });

  it("warns about malformed JSON without throwing", () => {
    const { articles, warnings } = parse("bad.json", '[{"title": "x", "text": ');
    expect(articles).toEqual([]);
    expect(warnings[0]?.file).toBe("bad.json");
    expect(warnings[0]?.message).toMatch(/malformed JSON/);
  });

  it("gives duplicate record ids distinct docIds and a warning", () => {
    const rows = [JSON.stringify({ id: "x", text: PROSE_A }), JSON.stringify({ id: "x", text: PROSE_B })].join("\n");
    const { articles, warnings } = parse("dup.jsonl", rows);
    expect(new Set(articles.map((article) => article.docId)).size).toBe(2);
    expect(warnings[0]?.message).toMatch(/duplicate id/);
  });
});

describe("bad inputs", () => {
  it("warns about an empty file and yields no articles", () => {
    expect(parse("empty.txt", "")).toEqual({ articles: [], warnings: [{ file: "empty.txt", message: "empty file" }] });
    expect(parse("blank.md", " \n\n ").articles).toEqual([]);
  });

  it("warns about a binary file and yields no articles", () => {
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);
    const result = parse("image.txt", binary);
    expect(result.articles).toEqual([]);
    expect(result.warnings[0]?.message).toMatch(/binary/);
  });

  it("warns about invalid UTF-8 noise without NUL bytes", () => {
    const noise = Buffer.alloc(2000);
    for (let i = 0; i < noise.length; i += 1) noise[i] = 0x80 + ((i * 37) % 0x7f);
    const result = parse("noise.html", noise);
    expect(result.articles).toEqual([]);
    expect(result.warnings[0]?.message).toMatch(/binary/);
  });

  it("reads a Windows-1252 file instead of rejecting it", () => {
    const latin = Buffer.from(
      `Caf\xe9 owners said on Monday that prices would rise again next month, citing costs.`,
      "latin1",
    );
    const result = parse("cafe.txt", latin);
    expect(result.articles[0]?.text).toContain("Café owners said");
    expect(result.warnings[0]?.message).toMatch(/Windows-1252/);
  });

  it("warns about unsupported extensions", () => {
    expect(parse("report.pdf", "%PDF").warnings[0]?.message).toMatch(/unsupported/);
  });
});

describe("docIds", () => {
  it("derive from the file and the article's key, not its content", () => {
    const expected = createHash("sha256").update("news/a.txt#0").digest("hex").slice(0, 16);
    const first = parse("news/a.txt", `${PROSE_A}\n${PROSE_B}`).articles[0];
    const edited = parse("news/a.txt", `${PROSE_B}\n${PROSE_A}`).articles[0];
    expect(first?.docId).toBe(expected);
    expect(edited?.docId).toBe(expected);
    expect(parse("news/b.txt", `${PROSE_A}\n${PROSE_B}`).articles[0]?.docId).not.toBe(expected);
  });

  it("are the same for the same input and differ per part", () => {
    const aggregator = [
      "First story headline here",
      "First story headline here",
      "Yahooa day ago",
      PROSE_A,
      "Second story headline here",
      "Second story headline here",
      "The Hill",
      "time21 minutes ago",
      PROSE_B,
    ].join("\n");
    const once = parse("agg.txt", aggregator).articles.map((article) => article.docId);
    const again = parse("agg.txt", aggregator).articles.map((article) => article.docId);
    expect(once).toHaveLength(2);
    expect(again).toEqual(once);
    expect(once[0]).not.toBe(once[1]);
    expect(once).toEqual([makeDocId("agg.txt", 0), makeDocId("agg.txt", 1)]);
  });
});
