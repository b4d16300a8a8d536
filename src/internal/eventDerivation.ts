/**
 * The event derivation of `ChatStreamEvent` (contract §4): `step` folds a
 * chunk into the snapshot and derives each choice entry's events, `finish`
 * gives the done events due at the end of a stream.
 *
 * Not public API.
 */
import * as Option from "effect/Option"
import type { ChatCompletionChunk, ChatCompletionLogprobs, ChunkToolCall } from "../ChatCompletion.js"
import { defineLazy } from "./appendLog.js"
import { foldChoice, getChoice, setChoice } from "./choiceFold.js"
import {
  type ChoiceState,
  copyChoiceState,
  findToolCall,
  getChoiceState,
  newChoiceState,
  newToolCallState,
  setChoiceState,
  setToolCall,
  type State,
  type ToolCallState
} from "./derivationState.js"
import { doneEvents, toolCallDone } from "./doneEvents.js"
import { chunkEvent, contentDelta, make, textDelta, toolCallArgumentsDelta } from "./eventConstructors.js"
import {
  type ChatStreamEvent,
  LogProbsContentDelta,
  LogProbsRefusalDelta,
  ReasoningDelta,
  RefusalDelta
} from "./events.js"
import { foldHeader } from "./headerFold.js"
import type { Mutable } from "./indexed.js"
import type * as Snapshot from "./snapshotTypes.js"
import { feedJson, jsonValue } from "./textJson.js"
import { argumentsText } from "./toolCallFold.js"

/**
 * Makes a logprobs delta's `snapshot` read the snapshot's array lazily: the
 * array is copied from the shared log only when someone reads it (see
 * `internal/appendLog`), so a stream costs O(1) per chunk for it.
 */
const lazySnapshot = <E extends LogProbsContentDelta | LogProbsRefusalDelta>(
  event: E,
  logprobs: ChatCompletionLogprobs,
  key: "content" | "refusal"
): E => {
  defineLazy(event, "snapshot", () => logprobs[key] ?? [])
  return event
}

/** The arguments of a choice's tool call in the snapshot ("" if it has none). */
const snapshotArguments = (choice: Snapshot.ChoiceState, index: number): string => {
  const calls = choice.choice.message.tool_calls
  if (calls === undefined) return ""
  const at = choice.toolCallIndexes.indexOf(index)
  return at < 0 ? "" : calls[at].function.arguments
}

/**
 * The events of a choice entry's tool-call fragments, `resolvedToolCalls`
 * being the call each went to (part of `choiceEvents`).
 */
const toolCallEvents = (
  state: Mutable<ChoiceState>,
  fragments: ReadonlyArray<ChunkToolCall>,
  resolvedToolCalls: ReadonlyArray<number>,
  choice: Snapshot.ChoiceState,
  partialJson: boolean,
  out: Array<ChatStreamEvent>
): void => {
  const choiceIndex = state.index
  for (let i = 0; i < fragments.length; i++) {
    const index = resolvedToolCalls[i]
    if (index !== state.currentToolCall) {
      if (state.currentToolCall !== undefined) toolCallDone(state, state.currentToolCall, out)
      state.currentToolCall = index
    }
    const fragment = fragments[i]
    const at = findToolCall(state.toolCalls, index)
    const previous: ToolCallState = at >= 0 ? state.toolCalls[at] : newToolCallState(index, partialJson)
    if (previous.done) continue
    // The same rules as the fold: id and name from the first non-empty value.
    const id = previous.id === "" && fragment.id !== undefined ? fragment.id : previous.id
    const fragmentName = fragment.function?.name
    const name = previous.name === "" && fragmentName !== undefined ? fragmentName : previous.name
    const argumentsDelta = argumentsText(fragment)
    if (argumentsDelta === "") {
      state.toolCalls = setToolCall(state.toolCalls, {
        index,
        done: false,
        id,
        name,
        arguments: previous.arguments,
        json: previous.json
      })
      continue
    }
    // The call's text so far: the snapshot's string when this fragment is
    // its last one in the entry (same length: the same fragments), so the
    // two are one rope rather than two.
    const length = previous.arguments.length + argumentsDelta.length
    const snapshotText = snapshotArguments(choice, index)
    const text = snapshotText.length === length ? snapshotText : previous.arguments + argumentsDelta
    const json = feedJson(previous.json, argumentsDelta, text)
    state.toolCalls = setToolCall(state.toolCalls, { index, done: false, id, name, arguments: text, json })
    out.push(toolCallArgumentsDelta(choiceIndex, index, id, name, argumentsDelta, text, jsonValue(json)))
  }
}

/** Events of one choice entry, right after it was folded in. */
const choiceEvents = (
  previous: ChoiceState,
  entry: ChatCompletionChunk["choices"][number],
  choice: Snapshot.ChoiceState,
  resolvedToolCalls: ReadonlyArray<number>,
  partialJson: boolean,
  out: Array<ChatStreamEvent>
): ChoiceState => {
  const state = copyChoiceState(previous)
  const choiceIndex = state.index
  const delta = entry.delta
  const message = choice.choice.message

  const reasoning = delta.reasoning_content !== undefined && delta.reasoning_content !== ""
    ? delta.reasoning_content
    : delta.reasoning
  if (reasoning !== undefined && reasoning !== "" && !state.reasoningDone) {
    state.reasoning = state.reasoning + reasoning
    out.push(textDelta(ReasoningDelta, choiceIndex, reasoning, state.reasoning))
  }

  if (delta.content !== undefined && delta.content !== "" && !state.contentDone) {
    state.contentJson = feedJson(state.contentJson, delta.content, message.content!)
    out.push(contentDelta(choiceIndex, delta.content, message.content!, jsonValue(state.contentJson)))
  }

  if (delta.refusal !== undefined && delta.refusal !== "" && !state.refusalDone) {
    out.push(textDelta(RefusalDelta, choiceIndex, delta.refusal, message.refusal!))
  }

  const logprobs = entry.logprobs
  if (logprobs !== undefined) {
    if (logprobs.content !== undefined && logprobs.content.length > 0 && !state.logprobsContentDone) {
      out.push(lazySnapshot(
        make(LogProbsContentDelta, { choiceIndex, values: logprobs.content, snapshot: [] }),
        choice.choice.logprobs!,
        "content"
      ))
    }
    if (logprobs.refusal !== undefined && logprobs.refusal.length > 0 && !state.logprobsRefusalDone) {
      out.push(lazySnapshot(
        make(LogProbsRefusalDelta, { choiceIndex, values: logprobs.refusal, snapshot: [] }),
        choice.choice.logprobs!,
        "refusal"
      ))
    }
  }

  const fragments = delta.tool_calls
  if (fragments !== undefined) toolCallEvents(state, fragments, resolvedToolCalls, choice, partialJson, out)

  if (choice.choice.finish_reason !== null) doneEvents(state, choice, out)
  return state
}

/**
 * Folds one chunk and derives its events (see `ChatStreamEvent.step`).
 *
 * @internal
 */
export const step = (
  state: State,
  chunk: ChatCompletionChunk
): readonly [State, ReadonlyArray<ChatStreamEvent>] => {
  // The `Chunk` event comes first; it is made last, once the snapshot is.
  const out: Array<ChatStreamEvent> = [undefined as unknown as ChatStreamEvent]
  let folded = state.accumulator.choices
  let choices = state.choices
  for (const entry of chunk.choices) {
    const { state: choice, toolCallIndexes } = foldChoice(getChoice(folded, entry.index), entry)
    folded = setChoice(folded, choice)
    const previous = getChoiceState(choices, entry.index) ?? newChoiceState(entry.index, state.partialJson)
    choices = setChoiceState(choices, choiceEvents(previous, entry, choice, toolCallIndexes, state.partialJson, out))
  }
  const snapshot = foldHeader(state.accumulator.snapshot, chunk, folded.map((c) => c.choice))
  const accumulator: Snapshot.Accumulator = { snapshot: Option.some(snapshot), choices: folded }
  out[0] = chunkEvent(chunk, snapshot)
  return [{ accumulator, choices, partialJson: state.partialJson }, out]
}

/**
 * The done events due at the end of a complete stream (see `ChatStreamEvent.finish`).
 *
 * @internal
 */
export const finish = (state: State): readonly [State, ReadonlyArray<ChatStreamEvent>] => {
  const out: Array<ChatStreamEvent> = []
  let choices = state.choices
  for (const choice of state.accumulator.choices) {
    if (choice.choice.finish_reason !== null) continue
    const previous = getChoiceState(choices, choice.choice.index) ??
      newChoiceState(choice.choice.index, state.partialJson)
    const next = copyChoiceState(previous)
    doneEvents(next, choice, out)
    choices = setChoiceState(choices, next)
  }
  return [{ accumulator: state.accumulator, choices, partialJson: state.partialJson }, out]
}
