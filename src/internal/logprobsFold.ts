/**
 * The logprobs fold of a choice: `content` and `refusal` grow in append logs
 * shared by successive snapshots (lazy properties, see `appendLog`), the
 * other keys are carried over.
 *
 * Not public API.
 */
import type { ChatCompletionLogprobs, ChoiceLogprobs } from "../ChatCompletion.js"
import { append, defineLazy, materialize } from "./appendLog.js"
import { type Mutable, setOwn } from "./indexed.js"
import type { ChoiceState } from "./snapshotTypes.js"

/** The getter of a lazy property of `previous` (see `internal/appendLog`), if it has one. */
const lazyGetter = (previous: ChatCompletionLogprobs | undefined, key: "content" | "refusal") =>
  previous === undefined ? undefined : Object.getOwnPropertyDescriptor(previous, key)?.get

/** @internal */
export const foldLogprobs = (
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
