/**
 * The done events of the event derivation (contract §4, step 2.6): those of
 * a choice that got its `finish_reason` or ended with the stream, and of a
 * tool call when the next one starts.
 *
 * Not public API.
 */
import type { ChatCompletionChoice } from "../ChatCompletion.js"
import { type ChoiceState, findToolCall, newToolCallState, setToolCall, type ToolCallState } from "./derivationState.js"
import { make } from "./eventConstructors.js"
import {
  type ChatStreamEvent,
  ContentDone,
  LogProbsContentDone,
  LogProbsRefusalDone,
  ReasoningDone,
  RefusalDone,
  ToolCallArgumentsDone
} from "./events.js"
import type { Mutable } from "./indexed.js"
import type * as Snapshot from "./snapshotTypes.js"
import { parseDone } from "./textJson.js"

/** @internal */
export const toolCallDone = (
  state: Mutable<ChoiceState>,
  index: number,
  out: Array<ChatStreamEvent>
): void => {
  const at = findToolCall(state.toolCalls, index)
  // A call the derivation never saw (no pipeline gets here) is done with empty arguments.
  const previous: ToolCallState = at >= 0 ? state.toolCalls[at] : newToolCallState(index, false)
  if (previous.done) return
  out.push(
    make(ToolCallArgumentsDone, {
      choiceIndex: state.index,
      toolCallIndex: index,
      id: previous.id,
      name: previous.name,
      arguments: previous.arguments,
      parsedArguments: parseDone(previous.arguments)
    })
  )
  state.toolCalls = setToolCall(state.toolCalls, {
    index: previous.index,
    done: true,
    id: previous.id,
    name: previous.name,
    arguments: previous.arguments,
    json: previous.json
  })
}

/**
 * The done events of step 2.6 of the contract.
 *
 * @internal
 */
export const doneEvents = (
  state: Mutable<ChoiceState>,
  choice: Snapshot.ChoiceState,
  out: Array<ChatStreamEvent>
): void => {
  const snapshot: ChatCompletionChoice = choice.choice
  const message = snapshot.message
  const choiceIndex = state.index
  if (!state.reasoningDone && state.reasoning !== "") {
    out.push(make(ReasoningDone, { choiceIndex, reasoning: state.reasoning }))
    state.reasoningDone = true
  }
  if (!state.contentDone && message.content !== null) {
    out.push(make(ContentDone, { choiceIndex, content: message.content, parsed: parseDone(message.content) }))
    state.contentDone = true
  }
  if (!state.refusalDone && message.refusal !== null) {
    out.push(make(RefusalDone, { choiceIndex, refusal: message.refusal }))
    state.refusalDone = true
  }
  const logprobs = snapshot.logprobs
  if (!state.logprobsContentDone && logprobs?.content != null && logprobs.content.length > 0) {
    out.push(make(LogProbsContentDone, { choiceIndex, values: logprobs.content }))
    state.logprobsContentDone = true
  }
  if (!state.logprobsRefusalDone && logprobs?.refusal != null && logprobs.refusal.length > 0) {
    out.push(make(LogProbsRefusalDone, { choiceIndex, values: logprobs.refusal }))
    state.logprobsRefusalDone = true
  }
  for (const index of choice.toolCallIndexes) toolCallDone(state, index, out)
}
