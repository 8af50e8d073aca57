/**
 * A LIKE / ILIKE pattern matching `words` anywhere in a value, with `%`, `_` and `\` in the
 * words taken literally (PostgreSQL's default escape is `\`): a search box is not a pattern.
 */
export function containsPattern(words: string): string {
  return `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
