/**
 * The tool-call fold of a choice (contract §3): which call each fragment goes
 * to, the text it appends to the arguments, and the calls it gives.
 *
 * Not public API.
 */
import type { ChunkToolCall, ToolCall } from "../ChatCompletion.js"
import type { Mutable } from "./indexed.js"
import {
  hasExtras,
  irregular,
  KNOWN_FUNCTION_KEY,
  KNOWN_TOOL_CALL_KEY,
  markIrregular,
  mergeExtras,
  nonEmpty
} from "./snapshotFields.js"
import type { ChoiceState } from "./snapshotTypes.js"

/**
 * Finds which tool call a fragment goes to (contract §3): its `index`; else
 * the call with its `id`; else, with a `function.name`, a new call after the
 * highest index; else the call the previous fragment went to (0 if none).
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
 * @internal
 */
export const argumentsText = (fragment: ChunkToolCall): string => {
  const args = fragment.function?.arguments
  if (args === undefined) return ""
  return typeof args === "string" ? args : JSON.stringify(args)
}

/**
 * Folds tool-call fragments into a choice's state; returns the resolved index of each.
 *
 * @internal
 */
export const foldToolCalls = (
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
