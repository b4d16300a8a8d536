/**
 * The fold of one choice entry of a chunk into the choice's state (message
 * texts, reasoning details, tool calls, logprobs, unknown fields), and the
 * choices' list kept in index order.
 *
 * Not public API.
 */
import type { ChatCompletionChoice, ChatCompletionMessage, ChunkChoice } from "../ChatCompletion.js"
import { append, copyLazy, defineLazy, materialize } from "./appendLog.js"
import { findIndexed, type Mutable, upsertIndexed } from "./indexed.js"
import { foldLogprobs } from "./logprobsFold.js"
import { irregular, KNOWN_CHOICE_KEY, KNOWN_DELTA_KEY, markIrregular, mergeExtras, nonEmpty } from "./snapshotFields.js"
import type { ChoiceState } from "./snapshotTypes.js"
import { foldToolCalls } from "./toolCallFold.js"

const newMessage = (): ChatCompletionMessage => ({ role: "assistant", content: null, refusal: null })

const newChoiceState = (index: number): ChoiceState => ({
  choice: { index, finish_reason: null, message: newMessage() },
  roleSet: false,
  toolCallIndexes: [],
  toolCallTypeSet: [],
  lastToolCallIndex: undefined
})

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

const choiceIndexOf = (state: ChoiceState): number => state.choice.index

/**
 * Inserts or replaces a choice's state, keeping ascending index order.
 *
 * @internal
 */
export const setChoice = (choices: ReadonlyArray<ChoiceState>, state: ChoiceState): ReadonlyArray<ChoiceState> =>
  upsertIndexed(choices, state, choiceIndexOf)

/**
 * Finds a choice's state by its index.
 *
 * @internal
 */
export const getChoice = (choices: ReadonlyArray<ChoiceState>, index: number): ChoiceState | undefined => {
  const at = findIndexed(choices, index, choiceIndexOf)
  return at < 0 ? undefined : choices[at]
}
