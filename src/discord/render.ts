import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from "discord.js";
import { ButtonStyle, ComponentType, escapeMarkdown } from "discord.js";
import type { Answer, Citation } from "../answer/types.js";
import type { Digest } from "../digest/digest.js";
import type { IndexedArticle } from "../index/records.js";
import type { Summary } from "../summary/summarize.js";
import { splitSentences } from "../text/sentences.js";

/**
 * Pure rendering for Discord: answers in, message payloads out, with Discord's limits enforced
 * here (discord.js does not check content lengths; Discord answers 400 / 50035).
 */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  embeds: 10,
  embedTotal: 6000,
  footer: 2048,
  buttonLabel: 80,
  customId: 100,
  autocompleteChoices: 25,
  choiceName: 100,
} as const;

/** A message body as discord.js accepts it for reply, editReply, followUp and send. */
export interface MessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Always empty: text from articles or users can never ping anyone. */
  allowedMentions: { parse: [] };
}

const NO_MENTIONS = { parse: [] as [] };
const COLOR_ANSWER = 0x2b6cb0;
const COLOR_REFUSAL = 0x718096;

/** Text for an embed description or field: markdown escaped, mentions defused. */
export function safeText(text: string): string {
  // A zero-width space after "@" keeps "@everyone" from rendering as a mention even where
  // allowedMentions would not apply (e.g. when a user copies the text).
  return escapeMarkdown(text).replace(/@(everyone|here)/g, "@\u200b$1");
}

/** Cuts text at a word boundary so it fits `max` characters, ending with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Splits answer text into pieces of at most `max` characters at sentence boundaries, keeping
 * each sentence's [n] markers with it. A single sentence longer than `max` is cut at words.
 */
export function splitAnswerText(text: string, max: number): string[] {
  const units = text.split(/(?<=\])\s+(?=\S)/).flatMap((unit) => (unit.length <= max ? [unit] : splitSentences(unit)));
  const pieces: string[] = [];
  let current = "";
  for (const unit of units) {
    const candidate = current ? `${current} ${unit}` : unit;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current) pieces.push(current);
    current = unit.length <= max ? unit : "";
    if (unit.length > max) {
      let rest = unit;
      while (rest.length > max) {
        const piece = truncate(rest, max).replace(/…$/, "");
        pieces.push(piece);
        rest = rest.slice(piece.length).trimStart();
      }
      current = rest;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** One line per cited source: `**[n]** [Title](url) — Outlet, date`. */
export function sourceLine(citation: Citation): string {
  const title = safeText(truncate(citation.title, 150));
  const linked = citation.url ? `[${title.replace(/[[\]]/g, "")}](${citation.url.replace(/\)/g, "%29")})` : title;
  const details = [citation.source, citation.published].filter(Boolean).map((part) => safeText(String(part)));
  const where = citation.url ? "" : ` · ${safeText(citation.file)}`;
  return truncate(`**[${citation.n}]** ${linked}${details.length ? ` — ${details.join(", ")}` : ""}${where}`, 400);
}

/** Packs source lines into embed fields of at most 1024 characters each. */
export function sourceFields(citations: readonly Citation[], maxFields = 5): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length === 0) return;
    fields.push({ name: fields.length === 0 ? "Sources" : "Sources (continued)", value: current.join("\n") });
    current = [];
  };
  for (const citation of citations) {
    const line = sourceLine(citation);
    if ([...current, line].join("\n").length > DISCORD_LIMITS.fieldValue) flush();
    current.push(line);
  }
  flush();
  if (fields.length > maxFields) {
    const dropped =
      citations.length - fields.slice(0, maxFields).reduce((sum, field) => sum + field.value.split("\n").length, 0);
    const kept = fields.slice(0, maxFields);
    const last = kept[kept.length - 1];
    if (last) last.value = truncate(`${last.value}\n…and ${dropped} more`, DISCORD_LIMITS.fieldValue);
    return kept;
  }
  return fields;
}

/** Buttons under an answer: feedback, and "show quotes" when there is something to show. */
export function answerButtons(answerId: string, answered: boolean): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = [
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: "Helpful",
      emoji: { name: "👍" },
      custom_id: `fb:up:${answerId}`,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: "Not helpful",
      emoji: { name: "👎" },
      custom_id: `fb:down:${answerId}`,
    },
  ];
  if (answered) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      label: "Show quotes",
      custom_id: `quotes:${answerId}`,
    });
  }
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/**
 * An answer as one or more messages: the first carries the answer (or its first part) and the
 * sources; long answers continue in follow-up messages, split between sentences, never inside
 * a citation marker. Buttons go on the last message.
 */
export function renderAnswer(answer: Answer, options: { answerId?: string; title?: string } = {}): MessagePayload[] {
  const color = answer.answered ? COLOR_ANSWER : COLOR_REFUSAL;
  const fields = answer.answered ? sourceFields(answer.citations) : [];
  const fieldsLength = fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const title = truncate(options.title ?? answer.question, DISCORD_LIMITS.embedTitle);
  const footer = answer.note ? truncate(answer.note, 300) : undefined;
  // The first message must fit title, sources and footer in Discord's 6000 total.
  const firstBudget = Math.min(
    DISCORD_LIMITS.embedDescription,
    DISCORD_LIMITS.embedTotal - fieldsLength - title.length - (footer?.length ?? 0) - 50,
  );
  const text = safeText(answer.answer);
  const pieces = text.length <= firstBudget ? [text] : splitAnswerText(text, Math.min(firstBudget, 3500));
  const messages: MessagePayload[] = pieces.map((piece, position) => {
    const embed: APIEmbed = { color, description: piece };
    if (position === 0) {
      embed.title = title;
      if (fields.length) embed.fields = fields;
      if (footer) embed.footer = { text: footer };
    }
    return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
  });
  const last = messages[messages.length - 1];
  if (last && options.answerId) last.components = answerButtons(options.answerId, answer.answered);
  return messages;
}

/** The cited sentences of an answer, for the ephemeral "show quotes" reply. */
export function renderQuotes(citations: readonly Citation[]): MessagePayload {
  const blocks = citations.map(
    (citation) =>
      `**[${citation.n}] ${safeText(truncate(citation.title, 120))}**\n${(citation.quotes.length
        ? citation.quotes
        : [citation.quote]
      )
        .map((quote) => `> ${safeText(truncate(quote, 600))}`)
        .join("\n")}`,
  );
  let description = "";
  for (const block of blocks) {
    const next = description ? `${description}\n\n${block}` : block;
    if (next.length > DISCORD_LIMITS.embedDescription - 20) {
      description = `${description}\n\n…`;
      break;
    }
    description = next;
  }
  return {
    embeds: [
      { color: COLOR_ANSWER, title: "Quoted sentences", description: description || "No quotes for this answer." },
    ],
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}

/** A short, plain line (errors, refusals of permission, rate limits). */
export function renderNotice(text: string): MessagePayload {
  return { content: truncate(text, DISCORD_LIMITS.content), embeds: [], components: [], allowedMentions: NO_MENTIONS };
}

export const SOURCES_PAGE_SIZE = 10;

/** One page of the indexed articles, newest first, with previous/next buttons. */
export function renderSourcesPage(articles: readonly IndexedArticle[], page: number, query: string): MessagePayload {
  const pages = Math.max(1, Math.ceil(articles.length / SOURCES_PAGE_SIZE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const slice = articles.slice(current * SOURCES_PAGE_SIZE, (current + 1) * SOURCES_PAGE_SIZE);
  const lines = slice.map((article, i) => {
    const title = safeText(truncate(article.title, 150));
    const linked = article.url ? `[${title.replace(/[[\]]/g, "")}](${article.url.replace(/\)/g, "%29")})` : title;
    const details = [article.source, article.published].filter(Boolean).map((part) => safeText(String(part)));
    return `${current * SOURCES_PAGE_SIZE + i + 1}. ${linked}${details.length ? ` — ${details.join(", ")}` : ""}`;
  });
  const heading = query ? `Articles matching "${truncate(query, 100)}"` : "Indexed articles";
  const key = truncate(query, 60).replace(/…$/, "");
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: `sources:${target}:${key}`.slice(0, DISCORD_LIMITS.customId),
    disabled,
  });
  return {
    embeds: [
      {
        color: COLOR_ANSWER,
        title: truncate(heading, DISCORD_LIMITS.embedTitle),
        description: lines.length ? truncate(lines.join("\n"), DISCORD_LIMITS.embedDescription) : "No articles found.",
        footer: { text: `Page ${current + 1} of ${pages} · ${articles.length} articles, newest first` },
      },
    ],
    components:
      pages > 1
        ? [
            {
              type: ComponentType.ActionRow,
              components: [
                button("◀ Previous", current - 1, current === 0),
                button("Next ▶", current + 1, current >= pages - 1),
              ],
            },
          ]
        : [],
    allowedMentions: NO_MENTIONS,
  };
}

/** `/help`: what the bot can do, in one screen. */
export function renderHelp(): MessagePayload {
  const description = [
    "I answer questions about the news articles I have indexed, citing each sentence with **[n]** and listing the sources.",
    "",
    "**/ask** `question` — a short cited answer. Time words work: *last week*, *since Monday*, *in June*.",
    "**@mention me** with a question — I open a thread and answer there; keep asking in the thread for follow-ups.",
    "**/summary** `topic` | `article` | `period` — a cited summary.",
    "**/sources** `[query]` — the indexed articles, newest first.",
    "**/digest** `now` | `setup` | `off` — the daily digest for this server (setup and off need Manage Server).",
    "",
    "Buttons under answers: 👍 / 👎 to tell us how it went, **Show quotes** for the cited sentences.",
    "When the articles do not cover a question I say so instead of guessing.",
  ].join("\n");
  return {
    embeds: [{ color: COLOR_ANSWER, title: "newsdesk", description }],
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}

const COLOR_DIGEST = 0x2f855a;

/** Summary text for Discord: escaped, except the **headline** markers summaries use. */
export function safeSummaryText(text: string): string {
  return text
    .split(/(\*\*[^*\n]+\*\*)/)
    .map((part) => (/^\*\*[^*\n]+\*\*$/.test(part) ? `**${safeText(part.slice(2, -2))}**` : safeText(part)))
    .join("");
}

/** A summary as one or more messages, like an answer: cited text, then the sources. */
export function renderSummary(summary: Summary): MessagePayload[] {
  const title =
    summary.kind === "topic"
      ? `Summary: ${summary.subject}`
      : summary.kind === "article"
        ? `Key points: ${summary.subject}`
        : `Stories: ${summary.subject}`;
  const fields = summary.answered ? sourceFields(summary.citations) : [];
  const fieldsLength = fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const embedTitle = truncate(title, DISCORD_LIMITS.embedTitle);
  const budget = Math.min(
    DISCORD_LIMITS.embedDescription,
    DISCORD_LIMITS.embedTotal - fieldsLength - embedTitle.length - 350,
  );
  const text = safeSummaryText(summary.summary);
  const pieces = text.length <= budget ? [text] : splitParagraphs(text, Math.min(budget, 3500));
  return pieces.map((piece, position) => {
    const embed: APIEmbed = { color: summary.answered ? COLOR_ANSWER : COLOR_REFUSAL, description: piece };
    if (position === 0) {
      embed.title = embedTitle;
      if (fields.length) embed.fields = fields;
      if (summary.note) embed.footer = { text: truncate(summary.note, 300) };
    }
    return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
  });
}

/** Splits at paragraph breaks first, then between sentences. */
function splitParagraphs(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const paragraph of text.split(/\n\n+/).flatMap((p) => (p.length <= max ? [p] : splitAnswerText(p, max)))) {
    const candidate = current ? `${current}\n\n${paragraph}` : paragraph;
    if (candidate.length <= max) current = candidate;
    else {
      if (current) pieces.push(current);
      current = paragraph;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * A digest as messages: a header line, then one embed per story (headline, cited summary,
 * outlets, sources), packed ten embeds and 6,000 characters to a message at most.
 */
export function renderDigest(digest: Digest, options: { day?: string } = {}): MessagePayload[] {
  const when = options.day ? ` for ${options.day}` : "";
  if (digest.stories.length === 0) {
    const since = digest.since ? ` since ${digest.since.slice(0, 16).replace("T", " ")} UTC` : "";
    return [renderNotice(`**Daily digest${when}**: no new stories${since}.`)];
  }
  const embeds: APIEmbed[] = digest.stories.map((story, i) => {
    const outlets = story.outlets.length > 0 ? story.outlets.join(", ") : "outlet not given";
    const articles = story.articleCount === 1 ? "1 article" : `${story.articleCount} articles`;
    const fields = [
      { name: "Coverage", value: truncate(safeText(`${outlets} · ${articles}`), DISCORD_LIMITS.fieldValue) },
      ...sourceFields(story.citations, 2),
    ];
    const title = truncate(`${i + 1}. ${story.headline}`, DISCORD_LIMITS.embedTitle);
    const fieldsLength = fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    // Five stories must share one message's 6,000 characters.
    const budget = Math.max(200, Math.min(1500, 1150 - fieldsLength - title.length));
    return { color: COLOR_DIGEST, title, description: truncate(safeText(story.summary), budget), fields };
  });
  const header = truncate(
    `**Daily digest${when}**: ${digest.stories.length} ${digest.stories.length === 1 ? "story" : "stories"}, most covered first. Ask follow-up questions in the thread.`,
    DISCORD_LIMITS.content,
  );
  const messages: MessagePayload[] = [];
  let batch: APIEmbed[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length === 0) return;
    messages.push({
      ...(messages.length === 0 ? { content: header } : {}),
      embeds: batch,
      components: [],
      allowedMentions: NO_MENTIONS,
    });
    batch = [];
    size = 0;
  };
  for (const embed of embeds) {
    const length = embedLength(embed);
    if (batch.length >= DISCORD_LIMITS.embeds || size + length > DISCORD_LIMITS.embedTotal) flush();
    batch.push(embed);
    size += length;
  }
  flush();
  return messages;
}

/** Characters Discord counts toward an embed's share of the 6,000 per message. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

/** An answer still being written by the model: the text so far, marked as in progress. */
export function renderPartial(text: string): MessagePayload {
  return {
    embeds: [
      {
        color: COLOR_REFUSAL,
        // Escaping lengthens text: cut after it, so the limit holds.
        description: `${truncate(safeText(text), DISCORD_LIMITS.embedDescription - 10)} …`,
        footer: { text: "Writing… sources are checked when it is done." },
      },
    ],
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}
