/**
 * What the stream contract (§4, §5) promises of any run of the events
 * pipeline, written once for the property tests and the fuzz suite: what a
 * delta or done event is about, and the checks on a whole run.
 *
 * Not a test file: importing it registers no test.
 */
import { Either } from "effect"
import type { ChatCompletion } from "../src/ChatCompletion.js"
import type * as ChatStreamEvent from "../src/ChatStreamEvent.js"
import { encodeCompletion, stringify } from "../src/JsonLines.js"
import type { Run } from "./helpers.js"

type Event = ChatStreamEvent.ChatStreamEvent

/** The thing a delta or done event is about, and its kind. */
export const thingOf = (event: Event): { readonly key: string; readonly role: "delta" | "done" } | undefined => {
  switch (event._tag) {
    case "Chunk":
      return undefined
    case "ReasoningDelta":
    case "ContentDelta":
    case "RefusalDelta":
    case "LogProbsContentDelta":
    case "LogProbsRefusalDelta":
      return { key: `${event.choiceIndex}/${event._tag.slice(0, -"Delta".length)}`, role: "delta" }
    case "ReasoningDone":
    case "ContentDone":
    case "RefusalDone":
    case "LogProbsContentDone":
    case "LogProbsRefusalDone":
      return { key: `${event.choiceIndex}/${event._tag.slice(0, -"Done".length)}`, role: "done" }
    case "ToolCallArgumentsDelta":
      return { key: `${event.choiceIndex}/ToolCall/${event.toolCallIndex}`, role: "delta" }
    case "ToolCallArgumentsDone":
      return { key: `${event.choiceIndex}/ToolCall/${event.toolCallIndex}`, role: "done" }
  }
}

/** A delta's fragment and a done's text, as comparable strings. */
export const fragmentOf = (event: Event): string => {
  switch (event._tag) {
    case "ReasoningDelta":
    case "ContentDelta":
    case "RefusalDelta":
      return event.delta
    case "ToolCallArgumentsDelta":
      return event.argumentsDelta
    case "LogProbsContentDelta":
    case "LogProbsRefusalDelta":
      return event.values.map((v) => JSON.stringify(v)).join("\u0000")
    default:
      throw new Error(`not a delta: ${event._tag}`)
  }
}

export const doneTextOf = (event: Event): string => {
  switch (event._tag) {
    case "ReasoningDone":
      return event.reasoning
    case "ContentDone":
      return event.content
    case "RefusalDone":
      return event.refusal
    case "ToolCallArgumentsDone":
      return event.arguments
    case "LogProbsContentDone":
    case "LogProbsRefusalDone":
      return event.values.map((v) => JSON.stringify(v)).join("\u0000")
    default:
      throw new Error(`not a done: ${event._tag}`)
  }
}

/** The deltas' fragments of a thing joined as its done's text is compared. */
export const joinFragments = (key: string, fragments: ReadonlyArray<string>) =>
  key.endsWith("/LogProbsContent") || key.endsWith("/LogProbsRefusal")
    ? fragments.filter((f) => f !== "").join("\u0000")
    : fragments.join("")

/**
 * The contract's promises a run breaks, as readable lines (none: it keeps
 * them all): the deltas of each thing concatenate to its accumulated text
 * and to its done's text; no delta follows its done and no thing has two
 * dones; in a run that ended well every thing with deltas got its done; a
 * failure carries the snapshot of the last `Chunk` event (none before the
 * first chunk).
 */
export const violations = (run: Run<Event, unknown>): Array<string> => {
  const out: Array<string> = []
  const fragments = new Map<string, Array<string>>()
  const dones = new Set<string>()
  let last: Event | undefined
  for (const event of run.items) {
    if (event._tag === "Chunk") last = event
    const thing = thingOf(event)
    if (thing === undefined) continue
    const so = fragments.get(thing.key) ?? []
    if (thing.role === "delta") {
      if (dones.has(thing.key)) out.push(`a delta of ${thing.key} after its done`)
      so.push(fragmentOf(event))
      fragments.set(thing.key, so)
      const accumulated = event._tag === "ToolCallArgumentsDelta"
        ? event.arguments
        : event._tag === "ContentDelta" || event._tag === "ReasoningDelta" || event._tag === "RefusalDelta"
        ? event.snapshot
        : undefined
      if (accumulated !== undefined && accumulated !== so.join("")) out.push(`${thing.key}: accumulated text`)
    } else {
      if (dones.has(thing.key)) out.push(`a second done of ${thing.key}`)
      dones.add(thing.key)
      if (doneTextOf(event) !== joinFragments(thing.key, so)) out.push(`${thing.key}: done text vs deltas`)
    }
  }
  if (Either.isRight(run.result)) {
    for (const key of fragments.keys()) if (!dones.has(key)) out.push(`no done for the deltas of ${key}`)
  } else {
    const error = run.result.left as { readonly snapshot?: unknown }
    const expected = last?._tag === "Chunk" ? last.snapshot : undefined
    const snapshot = error.snapshot as { readonly _tag: string; readonly value?: unknown } | undefined
    const actual = snapshot?._tag === "Some" ? snapshot.value : undefined
    // compared Schema-encoded, so key order does not matter
    const line = (u: unknown) => u === undefined ? "none" : stringify(encodeCompletion(u as ChatCompletion))
    if (line(actual) !== line(expected)) out.push("the error's snapshot is not the last chunk's")
  }
  return out
}
