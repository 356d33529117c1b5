/**
 * Tokenisation shared by the keyword index, the offline embedder and answer scoring, so that all
 * three agree on what a "term" is.
 */

/** Common English function words that carry no topical signal. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves said says say s t d ll m re ve y ago per via
upon may might must shall within without onto among amid did does let lets get got also yet ever
`
    .split(/\s+/)
    .filter(Boolean),
);

/** Folds case and strips diacritics so "Zelenskyy", "ZELENSKYY" and "Zélenskyy" meet. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

/**
 * Splits text into lower-cased word tokens (letters and digits), dropping possessive endings.
 * Keeps stopwords; see {@link contentTerms} for index terms.
 */
export function wordTokens(text: string): string[] {
  const folded = foldText(text);
  const tokens: string[] = [];
  for (const match of folded.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
    let token = match[0];
    const apostrophe = token.indexOf("'");
    if (apostrophe > 0) token = token.slice(0, apostrophe);
    if (token) tokens.push(token);
  }
  return tokens;
}

/**
 * A light, predictable English stemmer (plural and common verb endings only). Aggressive stemmers
 * damage proper names, which carry most of the signal in news questions.
 */
export function stem(token: string): string {
  if (token.length <= 3 || /\d/.test(token)) return token;
  if (token.endsWith("ies") && token.length > 4) return `${token.slice(0, -3)}y`;
  if (token.endsWith("sses")) return token.slice(0, -2);
  if (token.endsWith("ss") || token.endsWith("us") || token.endsWith("is")) return token;
  if (token.endsWith("s") && !token.endsWith("ss")) return token.slice(0, -1);
  return token;
}

/** Index terms: word tokens without stopwords, stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of wordTokens(text)) {
    if (STOPWORDS.has(token)) continue;
    if (token.length === 1 && !/\d/.test(token)) continue;
    terms.push(stem(token));
  }
  return terms;
}
