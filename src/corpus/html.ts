/**
 * Reader for saved HTML pages. Mozilla Readability (the engine of Firefox's reader view) finds the
 * main article; linkedom provides the DOM it runs on, so no browser is needed. Metadata comes from
 * the page's meta tags first because Readability's own guesses are weaker.
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { type DocumentMeta, fillMeta, type RawDocument } from "./document.js";
import { isHttpUrl, parseDate } from "./metadata.js";

/** Elements whose content never belongs to the article text. */
const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "canvas",
  "iframe",
  "object",
  "embed",
  "button",
  "select",
  "option",
  "input",
  "textarea",
  "form",
  "nav",
  "header",
  "footer",
  "aside",
  "menu",
  "dialog",
]);
/** Elements that start a new line (paragraph) in the extracted text. */
const BLOCKS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "li",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "blockquote",
  "pre",
  "figure",
  "figcaption",
  "table",
  "thead",
  "tbody",
  "tr",
  "td",
  "th",
  "caption",
  "address",
  "hr",
  "details",
  "summary",
  "body",
]);

/** Minimal DOM surface used here, so the code does not depend on the DOM lib typings. */
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  getAttribute(name: string): string | null;
}
interface DomDocument {
  title?: string;
  body: DomNode | null;
  documentElement: DomNode | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

/**
 * Reads an HTML page into lines and metadata.
 *
 * - title: Readability's title, else `og:title`, else `<title>`
 * - source (outlet): `og:site_name`, else Readability's site name
 * - author: `meta[name=author]`, else Readability's byline
 * - published: `article:published_time` (and similar meta), else `<time datetime>`, else Readability
 * - url: `<link rel=canonical>`, else `og:url`
 * - text: the article Readability extracts, one line per block element; when Readability finds
 *   nothing, the body text without scripts, navigation, headers, footers and forms
 */
export function readHtml(html: string): RawDocument {
  const source = /<html[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  const { document } = parseHTML(source) as unknown as { document: DomDocument };
  const meta = readHtmlMeta(document);
  // Title candidates after Readability's own: the tags it usually reads, then the raw <title>
  // (which carries the " | Site" suffix that Readability strips).
  const fallbackTitles = [
    metaTag(document, 'meta[property="og:title"]'),
    metaTag(document, 'meta[name="twitter:title"]'),
    document.title?.trim() || null,
  ];

  let lines: string[] | null = null;
  try {
    // Readability mutates the document it is given; meta tags were read above, before that.
    const article = new Readability(document as never).parse();
    if (article) {
      fillMeta(meta, {
        title: article.title,
        source: article.siteName,
        author: article.byline ? article.byline.replace(/^by\s+/i, "") : null,
        published: article.publishedTime ? parseDate(article.publishedTime) : null,
      });
      if (article.content) {
        const { document: fragment } = parseHTML(
          `<!doctype html><html><body>${article.content}</body></html>`,
        ) as unknown as {
          document: DomDocument;
        };
        lines = fragment.body ? blockLines(fragment.body) : null;
      }
    }
  } catch {
    // Readability can fail on unusual markup; the body fallback below still yields the text.
    lines = null;
  }
  if (!lines?.some((line) => line.trim())) {
    // Readability has rearranged the first document by now, so read the page afresh.
    const { document: fresh } = parseHTML(source) as unknown as { document: DomDocument };
    lines = fresh.body ? blockLines(fresh.body) : [];
  }
  for (const title of fallbackTitles) fillMeta(meta, { title });
  return { lines, meta };
}

function metaTag(document: DomDocument, selector: string): string | null {
  return document.querySelector(selector)?.getAttribute("content")?.trim() || null;
}

function readHtmlMeta(document: DomDocument): DocumentMeta {
  const metaContent = (selector: string): string | null => metaTag(document, selector);
  const meta: DocumentMeta = {};
  fillMeta(meta, {
    source: metaContent('meta[property="og:site_name"]') ?? metaContent('meta[name="application-name"]'),
  });
  const author = metaContent('meta[name="author"]') ?? metaContent('meta[property="article:author"]');
  if (author && !isHttpUrl(author)) fillMeta(meta, { author: author.replace(/^by\s+/i, "") });
  const published =
    metaContent('meta[property="article:published_time"]') ??
    metaContent('meta[itemprop="datePublished"]') ??
    metaContent('meta[name="pubdate"]') ??
    metaContent('meta[name="publishdate"]') ??
    metaContent('meta[name="date"]') ??
    metaContent('meta[name="dc.date"]') ??
    document.querySelector("time[datetime]")?.getAttribute("datetime") ??
    null;
  if (published) fillMeta(meta, { published: parseDate(published) });
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute("href")?.trim();
  const ogUrl = metaContent('meta[property="og:url"]');
  fillMeta(meta, { url: [canonical, ogUrl].find((url) => url && isHttpUrl(url)) ?? null });
  return meta;
}

/**
 * Extracts text with one line per block element, so that paragraphs, headings and list items stay
 * apart (Readability's `textContent` runs them together).
 */
export function blockLines(root: DomNode): string[] {
  const lines: string[] = [];
  let current = "";
  const flush = (): void => {
    const text = current.replace(/\s+/g, " ").trim();
    if (text) lines.push(text);
    current = "";
  };
  const visit = (node: DomNode): void => {
    if (node.nodeType === 3) {
      current += node.textContent ?? "";
      return;
    }
    if (node.nodeType !== 1) return;
    const name = node.nodeName.toLowerCase();
    if (SKIPPED.has(name)) return;
    if (name === "br") {
      flush();
      return;
    }
    const block = BLOCKS.has(name);
    if (block) flush();
    const children = node.childNodes;
    for (let i = 0; i < children.length; i += 1) {
      const child = children[i];
      if (child) visit(child);
    }
    if (block) flush();
  };
  visit(root);
  flush();
  return lines;
}
