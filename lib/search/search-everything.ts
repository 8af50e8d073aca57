import type { Db } from "@/lib/db/client";
import type { Caller } from "@/lib/jobs";
import type { HitSource, SearchHit } from "./hits";
import { searchObjects } from "./search-objects";
import { searchText } from "./search-text";
import { searchWords } from "./search-words";

/** The sources that take words; image search takes a picture instead (the page's upload). */
export const wordSources = ["objects", "words", "text"] as const satisfies readonly HitSource[];
export type WordSource = (typeof wordSources)[number];

const searchers: Record<WordSource, (db: Db, caller: Caller, words: string, limit?: number) => Promise<SearchHit[]>> = {
  objects: searchObjects,
  words: searchWords,
  text: searchText,
};

/**
 * Everything a caller may list that matches the words: each source's best hits, grouped by
 * source in this order (objects, words spoken, text seen). Scores of different sources do not
 * compare (a confidence, a text rank, an OCR confidence), so they are not merged by score.
 */
export async function searchEverything(db: Db, caller: Caller, words: string, limitPerSource = 20): Promise<SearchHit[]> {
  const found = await Promise.all(wordSources.map((source) => searchers[source](db, caller, words, limitPerSource)));
  return found.flat();
}

/** One source's hits, or all of them for `everything`. */
export async function searchByWords(db: Db, caller: Caller, kind: WordSource | "everything", words: string): Promise<SearchHit[]> {
  return kind === "everything" ? searchEverything(db, caller, words) : searchers[kind](db, caller, words);
}
