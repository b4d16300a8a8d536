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
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionLogprobs,
  ChatCompletionMessage,
  ChoiceLogprobs,
  ChunkChoice,
  ChunkToolCall,
  TokenLogprob,
  ToolCall
} from "./ChatCompletion.js"
import { CompletionUsage } from "./ChatCompletion.js"
import { append, type AppendLog, copyLazy, defineLazy, materialize } from "./internal/appendLog.js"
import { findIndexed, type Mutable, setOwn, upsertIndexed } from "./internal/indexed.js"

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
export interface ChoiceState {
  /** The choice as it stands in the snapshot. */
  readonly choice: ChatCompletionChoice
  /** Whether `role` came from the stream (else it is the default). */
  readonly roleSet: boolean
  /** The index of each tool call, in the order of `choice.message.tool_calls` (ascending). */
  readonly toolCallIndexes: ReadonlyArray<number>
  /** Whether each tool call's `type` came from the stream. */
  readonly toolCallTypeSet: ReadonlyArray<boolean>
  /** The tool call the previous tool-call fragment of this choice went to. */
  readonly lastToolCallIndex: number | undefined
  /**
   * The arrays that grow by appending, shared between snapshots (each
   * snapshot's field is a lazy copy of its prefix): O(1) per chunk instead
   * of a copy.
   */
  readonly logprobsContent?: AppendLog<TokenLogprob> | undefined
  readonly logprobsRefusal?: AppendLog<TokenLogprob> | undefined
  readonly reasoningDetails?: AppendLog<unknown> | undefined
}

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
export interface Accumulator {
  readonly snapshot: Option.Option<ChatCompletion>
  readonly choices: ReadonlyArray<ChoiceState>
}

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

// The fields each level knows; every other non-null field is carried over.
// Switches rather than `Set`s: the fold asks for every key of every chunk,
// and comparing interned strings is several times faster than hashing them.
type KnownKey = (key: string) => boolean

const KNOWN_CHUNK_KEY: KnownKey = (key) => {
  switch (key) {
    case "id":
    case "object":
    case "created":
    case "model":
    case "choices":
    case "usage":
    case "system_fingerprint":
    case "service_tier":
    case "obfuscation":
      return true
    default:
      return false
  }
}
// `message` is the snapshot's own: a chunk that sends one is not let replace it.
const KNOWN_CHOICE_KEY: KnownKey = (key) => {
  switch (key) {
    case "index":
    case "delta":
    case "finish_reason":
    case "logprobs":
    case "usage":
    case "message":
      return true
    default:
      return false
  }
}
const KNOWN_DELTA_KEY: KnownKey = (key) => {
  switch (key) {
    case "role":
    case "content":
    case "refusal":
    case "reasoning_content":
    case "reasoning":
    case "reasoning_details":
    case "tool_calls":
      return true
    default:
      return false
  }
}
const KNOWN_TOOL_CALL_KEY: KnownKey = (key) => key === "index" || key === "id" || key === "type" || key === "function"
const KNOWN_FUNCTION_KEY: KnownKey = (key) => key === "name" || key === "arguments"

const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== ""

const decodeUsage = Schema.decodeUnknownOption(CompletionUsage)


/**
 * Copies the unknown, non-null fields of `from` onto `target` (last non-null
 * value wins).
 */
const mergeExtras = (
  target: Record<string, unknown>,
  from: Record<string, unknown>,
  known: KnownKey
): boolean => {
  let merged = false
  for (const key in from) {
    if (known(key)) continue
    const value = from[key]
    if (value !== null && value !== undefined) {
      setOwn(target, key, value)
      merged = true
    }
  }
  return merged
}

/**
 * The snapshot objects (header, choice, message, tool call) that hold more
 * than their known fields: unknown fields or lazy properties. Every other
 * snapshot object is copied with an object literal of its known fields, which
 * V8 runs an order of magnitude faster than a spread; these take the generic
 * copy, and so does every copy made from them.
 */
const irregular = new WeakSet<object>()

const markIrregular = <A extends object>(value: A): A => {
  irregular.add(value)
  return value
}

const hasExtras = (from: Record<string, unknown>, known: KnownKey): boolean => {
  for (const key in from) {
    if (!known(key) && from[key] !== null && from[key] !== undefined) return true
  }
  return false
}

const newMessage = (): ChatCompletionMessage => ({ role: "assistant", content: null, refusal: null })

const newChoiceState = (index: number): ChoiceState => ({
  choice: { index, finish_reason: null, message: newMessage() },
  roleSet: false,
  toolCallIndexes: [],
  toolCallTypeSet: [],
  lastToolCallIndex: undefined
})

/**
 * Finds which tool call a fragment goes to (contract §3): its `index`; else
 * the call with its `id`; else, with a `function.name`, a new call after the
 * highest index; else the call the previous fragment went to (0 if none).
 *
 * Not part of the public API: used only inside this module; it may change
 * in any release.
 *
 * @internal
 */
export const resolveToolCallIndex = (
  calls: ReadonlyArray<ToolCall>,
  indexes: ReadonlyArray<number>,
  lastToolCallIndex: number | undefined,
  fragment: ChunkToolCall
): number => {
  if (fragment.index !== undefined) return fragment.index
  if (nonEmpty(fragment.id)) {
    for (let i = 0; i < calls.length; i++) {
      if (calls[i].id === fragment.id) return indexes[i]
    }
  }
  if (nonEmpty(fragment.function?.name)) {
    return indexes.length === 0 ? 0 : indexes[indexes.length - 1] + 1
  }
  return lastToolCallIndex ?? 0
}

/**
 * The text a fragment appends to a tool call's arguments: the string as
 * sent, or the JSON of an object sent instead.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const argumentsText = (fragment: ChunkToolCall): string => {
  const args = fragment.function?.arguments
  if (args === undefined) return ""
  return typeof args === "string" ? args : JSON.stringify(args)
}

/** Folds tool-call fragments into a choice's state; returns the resolved index of each. */
const foldToolCalls = (
  state: Mutable<ChoiceState>,
  fragments: ReadonlyArray<ChunkToolCall>,
  resolved: Array<number>
): ReadonlyArray<ToolCall> => {
  // `calls` is written in place below, so it is this fold's own copy;
  // `indexes` and `typeSet` are replaced, never written, when they change.
  let calls = (state.choice.message.tool_calls ?? []).slice()
  let indexes = state.toolCallIndexes
  let typeSet = state.toolCallTypeSet
  for (const fragment of fragments) {
    const index = resolveToolCallIndex(calls, indexes, state.lastToolCallIndex, fragment)
    resolved.push(index)
    state.lastToolCallIndex = index
    // Find or insert the call at `index`, keeping ascending order.
    let position = indexes.length
    while (position > 0 && indexes[position - 1] > index) position--
    let call: ToolCall
    if (position > 0 && indexes[position - 1] === index) {
      position--
      call = calls[position]
    } else {
      call = { id: "", type: "function", function: { name: "", arguments: "" } }
      calls = [...calls.slice(0, position), call, ...calls.slice(position)]
      indexes = [...indexes.slice(0, position), index, ...indexes.slice(position)]
      typeSet = [...typeSet.slice(0, position), false, ...typeSet.slice(position)]
    }
    const fn = fragment.function
    const args = argumentsText(fragment)
    const id = call.id === "" && nonEmpty(fragment.id) ? fragment.id : call.id
    const setType = !typeSet[position] && nonEmpty(fragment.type)
    const name = call.function.name === "" && nonEmpty(fn?.name) ? fn.name : call.function.name
    const fnExtras = fn !== undefined && hasExtras(fn, KNOWN_FUNCTION_KEY)
    const callExtras = hasExtras(fragment, KNOWN_TOOL_CALL_KEY)
    if (id === call.id && !setType && name === call.function.name && args === "" && !fnExtras && !callExtras) {
      continue
    }
    const type = setType ? fragment.type! : call.type
    let next: ToolCall
    if (!fnExtras && !callExtras && !irregular.has(call)) {
      next = { id, type, function: { name, arguments: call.function.arguments + args } }
    } else {
      const nextFunction: Mutable<ToolCall["function"]> = { ...call.function, name, arguments: call.function.arguments + args }
      if (fnExtras) mergeExtras(nextFunction, fn, KNOWN_FUNCTION_KEY)
      const irregularCall: Mutable<ToolCall> = { ...call, id, type, function: nextFunction }
      if (callExtras) mergeExtras(irregularCall, fragment, KNOWN_TOOL_CALL_KEY)
      next = markIrregular(irregularCall)
    }
    if (setType) {
      const copy = typeSet.slice()
      copy[position] = true
      typeSet = copy
    }
    calls[position] = next
  }
  state.toolCallIndexes = indexes
  state.toolCallTypeSet = typeSet
  return calls
}

/** The getter of a lazy property of `previous` (see `internal/appendLog`), if it has one. */
const lazyGetter = (previous: ChatCompletionLogprobs | undefined, key: "content" | "refusal") =>
  previous === undefined ? undefined : Object.getOwnPropertyDescriptor(previous, key)?.get

const foldLogprobs = (
  state: Mutable<ChoiceState>,
  previous: ChatCompletionLogprobs | undefined,
  received: ChoiceLogprobs
): ChatCompletionLogprobs => {
  // Built field by field rather than copied: `content` and `refusal` are
  // lazy (a received array gives a new getter, otherwise the previous one is
  // kept, with what it already materialised), the other keys plain data.
  const next = {} as Mutable<ChatCompletionLogprobs>
  let content = lazyGetter(previous, "content")
  if (received.content !== undefined) {
    state.logprobsContent = append(state.logprobsContent, received.content)
    content = materialize(state.logprobsContent)
  }
  if (content === undefined) next.content = null
  else defineLazy(next, "content", content)
  let refusal = lazyGetter(previous, "refusal")
  if (received.refusal !== undefined) {
    state.logprobsRefusal = append(state.logprobsRefusal, received.refusal)
    refusal = materialize(state.logprobsRefusal)
  }
  if (refusal === undefined) next.refusal = null
  else defineLazy(next, "refusal", refusal)
  if (previous !== undefined) {
    for (const key in previous) {
      if (key !== "content" && key !== "refusal") setOwn(next, key, previous[key])
    }
  }
  for (const key in received) {
    if (key === "content" || key === "refusal") continue
    const value = received[key]
    if (value !== undefined) setOwn(next, key, value)
  }
  return next
}

/** A copy of a snapshot message to build the next one on (see `irregular`). */
const copyMessage = (previous: ChatCompletionMessage): Mutable<ChatCompletionMessage> => {
  if (irregular.has(previous)) {
    // A spread would read (and copy) a lazy `reasoning_details`.
    return markIrregular(copyLazy(previous))
  }
  const message: Mutable<ChatCompletionMessage> = {
    role: previous.role,
    content: previous.content,
    refusal: previous.refusal
  }
  if (previous.reasoning_content !== undefined) message.reasoning_content = previous.reasoning_content
  if (previous.reasoning !== undefined) message.reasoning = previous.reasoning
  if (previous.tool_calls !== undefined) message.tool_calls = previous.tool_calls
  return message
}

/** A copy of a snapshot choice with a new message (see `irregular`). */
const copyChoice = (previous: ChatCompletionChoice, message: ChatCompletionMessage): Mutable<ChatCompletionChoice> => {
  if (irregular.has(previous)) return markIrregular({ ...previous, message })
  const choice: Mutable<ChatCompletionChoice> = { index: previous.index, finish_reason: previous.finish_reason, message }
  if (previous.logprobs !== undefined) choice.logprobs = previous.logprobs
  return choice
}

/**
 * Folds one choice entry of a chunk into the choice's state.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const foldChoice = (
  previous: ChoiceState | undefined,
  entry: ChunkChoice
): { readonly state: ChoiceState; readonly toolCallIndexes: ReadonlyArray<number> } => {
  const base = previous ?? newChoiceState(entry.index)
  const state: Mutable<ChoiceState> = {
    choice: base.choice,
    roleSet: base.roleSet,
    toolCallIndexes: base.toolCallIndexes,
    toolCallTypeSet: base.toolCallTypeSet,
    lastToolCallIndex: base.lastToolCallIndex,
    logprobsContent: base.logprobsContent,
    logprobsRefusal: base.logprobsRefusal,
    reasoningDetails: base.reasoningDetails
  }
  const delta = entry.delta
  const message = copyMessage(base.choice.message)
  if (!state.roleSet && nonEmpty(delta.role)) {
    message.role = delta.role
    state.roleSet = true
  }
  if (nonEmpty(delta.content)) message.content = (message.content ?? "") + delta.content
  if (nonEmpty(delta.refusal)) message.refusal = (message.refusal ?? "") + delta.refusal
  if (nonEmpty(delta.reasoning_content)) {
    message.reasoning_content = (message.reasoning_content ?? "") + delta.reasoning_content
  }
  if (nonEmpty(delta.reasoning)) message.reasoning = (message.reasoning ?? "") + delta.reasoning
  if (delta.reasoning_details !== undefined && delta.reasoning_details.length > 0) {
    state.reasoningDetails = append(state.reasoningDetails, delta.reasoning_details)
    defineLazy(message, "reasoning_details", materialize(state.reasoningDetails))
    markIrregular(message)
  }
  const resolved: Array<number> = []
  if (delta.tool_calls !== undefined && delta.tool_calls.length > 0) {
    message.tool_calls = foldToolCalls(state, delta.tool_calls, resolved)
  }
  if (mergeExtras(message, delta, KNOWN_DELTA_KEY)) markIrregular(message)

  const choice = copyChoice(base.choice, message)
  if (nonEmpty(entry.finish_reason)) choice.finish_reason = entry.finish_reason
  if (entry.logprobs !== undefined) choice.logprobs = foldLogprobs(state, base.choice.logprobs, entry.logprobs)
  if (mergeExtras(choice, entry, KNOWN_CHOICE_KEY)) markIrregular(choice)
  state.choice = choice
  return { state, toolCallIndexes: resolved }
}

/**
 * The usage a chunk carries: at the top level, else in a choice (the last
 * one that has it), else in `x_groq.usage`.
 *
 * Not part of the public API: used only inside this module; it may change
 * in any release.
 *
 * @internal
 */
export const chunkUsage = (chunk: ChatCompletionChunk): CompletionUsage | undefined => {
  if (chunk.usage !== undefined) return chunk.usage
  let fromChoice: CompletionUsage | undefined
  for (const choice of chunk.choices) {
    if (choice.usage !== undefined) fromChoice = choice.usage
  }
  if (fromChoice !== undefined) return fromChoice
  const groq = chunk["x_groq"]
  if (typeof groq === "object" && groq !== null) {
    // Not covered by the chunk Schema (x_groq is an unknown field): decoded
    // here, and ignored when it is not a usage object.
    const usage = decodeUsage((groq as Record<string, unknown>)["usage"])
    if (Option.isSome(usage)) return usage.value
  }
  return undefined
}

/** A copy of a snapshot's top level to build the next one on (see `irregular`). */
const copyHeader = (previous: ChatCompletion): Mutable<ChatCompletion> => {
  if (irregular.has(previous)) return markIrregular({ ...previous })
  const next = { id: previous.id, object: previous.object, created: previous.created, model: previous.model } as Mutable<
    ChatCompletion
  >
  if (previous.system_fingerprint !== undefined) next.system_fingerprint = previous.system_fingerprint
  if (previous.service_tier !== undefined) next.service_tier = previous.service_tier
  if (previous.usage !== undefined) next.usage = previous.usage
  return next
}

/**
 * Builds the snapshot's top level from the previous one and a chunk (every
 * field but `choices`).
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const foldHeader = (
  previous: Option.Option<ChatCompletion>,
  chunk: ChatCompletionChunk,
  choices: ReadonlyArray<ChatCompletionChoice>
): ChatCompletion => {
  const next = Option.isSome(previous)
    ? copyHeader(previous.value)
    : { id: "", object: "chat.completion", created: 0, model: "" } as Mutable<ChatCompletion>
  if (nonEmpty(chunk.id)) next.id = chunk.id
  if (chunk.created !== 0) next.created = chunk.created
  if (nonEmpty(chunk.model)) next.model = chunk.model
  if (nonEmpty(chunk.system_fingerprint)) next.system_fingerprint = chunk.system_fingerprint
  if (nonEmpty(chunk.service_tier)) next.service_tier = chunk.service_tier
  const usage = chunkUsage(chunk)
  if (usage !== undefined) next.usage = usage
  if (mergeExtras(next, chunk, KNOWN_CHUNK_KEY)) markIrregular(next)
  next.choices = choices
  return next
}

const choiceIndexOf = (state: ChoiceState): number => state.choice.index

/**
 * Inserts or replaces a choice's state, keeping ascending index order.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const setChoice = (choices: ReadonlyArray<ChoiceState>, state: ChoiceState): ReadonlyArray<ChoiceState> =>
  upsertIndexed(choices, state, choiceIndexOf)

/**
 * Finds a choice's state by its index.
 *
 * Not part of the public API: exported for `ChatStreamEvent`'s derivation
 * only; it may change in any release.
 *
 * @internal
 */
export const getChoice = (choices: ReadonlyArray<ChoiceState>, index: number): ChoiceState | undefined => {
  const at = findIndexed(choices, index, choiceIndexOf)
  return at < 0 ? undefined : choices[at]
}

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
