/**
 * The state of the event derivation: per choice and per tool call, what was
 * emitted so far, and how it is created, copied, found and replaced.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it, and these types, which `ChatStreamEvent` publishes, from
 * the published declarations.)
 */
import { findIndexed, type Mutable, upsertIndexed } from "./indexed.js"
import type * as Snapshot from "./snapshotTypes.js"
import type { JsonState } from "./textJson.js"

/** What the event derivation knows about one tool call (see `ChatStreamEvent.ToolCallState`). */
export interface ToolCallState {
  readonly index: number
  readonly done: boolean
  /**
   * The call as the fragments seen so far make it, in fragment order. Kept
   * here rather than read from the snapshot: the snapshot is taken after the
   * whole choice entry, and a later fragment of the same entry may already
   * have added to it.
   */
  readonly id: string
  readonly name: string
  readonly arguments: string
  readonly json: JsonState
}

/**
 * `json` starts undecided, or `null` (not parsed) when partial JSON is off.
 *
 * @internal
 */
export const newToolCallState = (index: number, partialJson: boolean): ToolCallState => ({
  index,
  done: false,
  id: "",
  name: "",
  arguments: "",
  json: partialJson ? undefined : null
})

/** What the event derivation knows about one choice (see `ChatStreamEvent.ChoiceState`). */
export interface ChoiceState {
  readonly index: number
  readonly reasoning: string
  readonly reasoningDone: boolean
  readonly contentJson: JsonState
  readonly contentDone: boolean
  readonly refusalDone: boolean
  readonly logprobsContentDone: boolean
  readonly logprobsRefusalDone: boolean
  readonly currentToolCall: number | undefined
  /** In ascending index order. */
  readonly toolCalls: ReadonlyArray<ToolCallState>
}

/** The state of the derivation (see `ChatStreamEvent.State`). */
export interface State {
  readonly accumulator: Snapshot.Accumulator
  readonly choices: ReadonlyArray<ChoiceState>
  /**
   * Whether choices and tool calls the derivation meets from here on parse
   * partial JSON for their delta events (`parsed`, `parsedArguments`); set by
   * `initialWith`.
   */
  readonly partialJson: boolean
}

/** @internal */
export const newChoiceState = (index: number, partialJson: boolean): ChoiceState => ({
  index,
  reasoning: "",
  reasoningDone: false,
  contentJson: partialJson ? undefined : null,
  contentDone: false,
  refusalDone: false,
  logprobsContentDone: false,
  logprobsRefusalDone: false,
  currentToolCall: undefined,
  toolCalls: []
})

/**
 * A copy to build the next state on (a literal: much faster than a spread).
 *
 * @internal
 */
export const copyChoiceState = (previous: ChoiceState): Mutable<ChoiceState> => ({
  index: previous.index,
  reasoning: previous.reasoning,
  reasoningDone: previous.reasoningDone,
  contentJson: previous.contentJson,
  contentDone: previous.contentDone,
  refusalDone: previous.refusalDone,
  logprobsContentDone: previous.logprobsContentDone,
  logprobsRefusalDone: previous.logprobsRefusalDone,
  currentToolCall: previous.currentToolCall,
  toolCalls: previous.toolCalls
})

const indexOf = (item: { readonly index: number }): number => item.index

/** @internal */
export const findToolCall = (calls: ReadonlyArray<ToolCallState>, index: number): number => findIndexed(calls, index, indexOf)

/** @internal */
export const setToolCall = (calls: ReadonlyArray<ToolCallState>, next: ToolCallState): ReadonlyArray<ToolCallState> =>
  upsertIndexed(calls, next, indexOf)

/** @internal */
export const getChoiceState = (choices: ReadonlyArray<ChoiceState>, index: number): ChoiceState | undefined => {
  const at = findIndexed(choices, index, indexOf)
  return at < 0 ? undefined : choices[at]
}

/** @internal */
export const setChoiceState = (choices: ReadonlyArray<ChoiceState>, next: ChoiceState): ReadonlyArray<ChoiceState> =>
  upsertIndexed(choices, next, indexOf)
