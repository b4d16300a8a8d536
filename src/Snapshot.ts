/**
 * The pure fold of a stream: `(accumulator, chunk) → accumulator`, whose
 * `snapshot` is the immutable `ChatCompletion` a non-streaming call would
 * have returned for everything received so far (stream contract §3).
 *
 * A snapshot handed out earlier never changes: every step builds new objects
 * along the path that changed and shares the rest (strings are shared by
 * V8's ropes, untouched choices and tool calls by reference).
 *
 * The accumulator carries, besides the snapshot, what the snapshot cannot
 * show: the index of each tool call (snapshot tool calls carry no `index`)
 * and which call a choice's previous index-less fragment went to.
 *
 * The fold itself lives in `internal/` (`choiceFold`, `toolCallFold`,
 * `logprobsFold`, `headerFold`, `snapshotFields`, `snapshotTypes`); this
 * module holds its types and entry points.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChunkChoice,
  ChunkToolCall,
  CompletionUsage,
  ToolCall
} from "./ChatCompletion.js"
import * as choiceFold from "./internal/choiceFold.js"
import * as headerFold from "./internal/headerFold.js"
import type * as internal from "./internal/snapshotTypes.js"
import * as toolCallFold from "./internal/toolCallFold.js"

/**
 * What the fold knows about one choice.
 *
 * @example
 * ```ts
 * import { Snapshot } from "effect-chat-stream"
 *
 * const accumulator = Snapshot.fold(Snapshot.empty, {
 *   id: "c1", created: 1, model: "m",
 *   choices: [{ index: 0, delta: { tool_calls: [{ index: 3, function: { name: "lookup", arguments: "" } }] } }]
 * })
 * const choice: Snapshot.ChoiceState = accumulator.choices[0]
 * choice.toolCallIndexes // [3]: the wire index of each tool call, which the snapshot's calls do not carry
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChoiceState = internal.ChoiceState

/**
 * The fold's state: the snapshot (none before the first chunk) and the
 * per-choice state, in ascending index order like `snapshot.choices`.
 * Make one with `empty` and `fold` only: the fold knows which of its own
 * snapshot objects carry unknown fields, and copies an object it did not
 * make as if it had none.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatCompletion, Snapshot } from "effect-chat-stream"
 *
 * declare const chunks: Stream.Stream<ChatCompletion.ChatCompletionChunk>
 * const accumulator: Effect.Effect<Snapshot.Accumulator> = Stream.runFold(chunks, Snapshot.empty, Snapshot.fold)
 * const last = Effect.map(accumulator, (acc) => acc.snapshot) // Option<ChatCompletion>
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Accumulator = internal.Accumulator

/**
 * The accumulator before any chunk.
 *
 * @example
 * ```ts
 * import { Snapshot } from "effect-chat-stream"
 *
 * Snapshot.empty.snapshot // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Accumulator = { snapshot: Option.none(), choices: [] }

/**
 * Finds which tool call a fragment goes to (contract §3): its `index`; else
 * the call with its `id`; else, with a `function.name`, a new call after the
 * highest index; else the call the previous fragment went to (0 if none).
 *
 * Not part of the public API: used only by the fold; it may change
 * in any release.
 *
 * @internal
 */
export const resolveToolCallIndex: (
  calls: ReadonlyArray<ToolCall>,
  indexes: ReadonlyArray<number>,
  lastToolCallIndex: number | undefined,
  fragment: ChunkToolCall
) => number = toolCallFold.resolveToolCallIndex

/**
 * The text a fragment appends to a tool call's arguments: the string as
 * sent, or the JSON of an object sent instead.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const argumentsText: (fragment: ChunkToolCall) => string = toolCallFold.argumentsText

/**
 * Folds one choice entry of a chunk into the choice's state.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const foldChoice: (
  previous: ChoiceState | undefined,
  entry: ChunkChoice
) => { readonly state: ChoiceState; readonly toolCallIndexes: ReadonlyArray<number> } = choiceFold.foldChoice

/**
 * The usage a chunk carries: at the top level, else in a choice (the last
 * one that has it), else in `x_groq.usage`.
 *
 * Not part of the public API: used only by the fold; it may change
 * in any release.
 *
 * @internal
 */
export const chunkUsage: (chunk: ChatCompletionChunk) => CompletionUsage | undefined = headerFold.chunkUsage

/**
 * Builds the snapshot's top level from the previous one and a chunk (every
 * field but `choices`).
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const foldHeader: (
  previous: Option.Option<ChatCompletion>,
  chunk: ChatCompletionChunk,
  choices: ReadonlyArray<ChatCompletionChoice>
) => ChatCompletion = headerFold.foldHeader

/**
 * Inserts or replaces a choice's state, keeping ascending index order.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const setChoice: (choices: ReadonlyArray<ChoiceState>, state: ChoiceState) => ReadonlyArray<ChoiceState> =
  choiceFold.setChoice

/**
 * Finds a choice's state by its index.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const getChoice: (choices: ReadonlyArray<ChoiceState>, index: number) => ChoiceState | undefined =
  choiceFold.getChoice

/**
 * Folds one chunk into the accumulator: the pure step that
 * `Stream.mapAccum` runs over a chunk stream.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { Snapshot } from "effect-chat-stream"
 *
 * const acc = Snapshot.fold(Snapshot.empty, {
 *   id: "c1", created: 1, model: "m",
 *   choices: [{ index: 0, delta: { content: "Hi" } }]
 * })
 * Option.getOrThrow(acc.snapshot).choices[0].message.content // "Hi"
 * ```
 *
 * @since 0.1.0
 * @category folding
 */
export const fold = (accumulator: Accumulator, chunk: ChatCompletionChunk): Accumulator => {
  let choices = accumulator.choices
  for (const entry of chunk.choices) {
    choices = setChoice(choices, foldChoice(getChoice(choices, entry.index), entry).state)
  }
  return { snapshot: Option.some(foldHeader(accumulator.snapshot, chunk, choices.map((c) => c.choice))), choices }
}

/**
 * Folds a whole list of chunks: the snapshot after the last one (none for
 * no chunk).
 *
 * @example
 * ```ts
 * import { Snapshot } from "effect-chat-stream"
 *
 * Snapshot.fromChunks([]) // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category folding
 */
export const fromChunks = (chunks: Iterable<ChatCompletionChunk>): Option.Option<ChatCompletion> => {
  let accumulator = empty
  for (const chunk of chunks) accumulator = fold(accumulator, chunk)
  return accumulator.snapshot
}
