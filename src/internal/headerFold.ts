/**
 * The fold of a snapshot's top level (every field but `choices`) and the
 * usage a chunk carries.
 *
 * Not public API.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionChunk } from "../ChatCompletion.js"
import { CompletionUsage } from "../ChatCompletion.js"
import type { Mutable } from "./indexed.js"
import { irregular, KNOWN_CHUNK_KEY, markIrregular, mergeExtras, nonEmpty } from "./snapshotFields.js"

const decodeUsage = Schema.decodeUnknownOption(CompletionUsage)

/**
 * The usage a chunk carries: at the top level, else in a choice (the last
 * one that has it), else in `x_groq.usage`.
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
