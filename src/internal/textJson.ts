/**
 * The partial-JSON state of a text (content, tool-call arguments) as the
 * event derivation feeds it, and `JSON.parse` of a finished text (§4).
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it, and `JsonState`, which `ChatStreamEvent.ToolCallState`
 * names, from the published declarations.)
 */
import * as Option from "effect/Option"
import type { ParserImpl } from "./partialJson.js"
import * as PartialJson from "../PartialJson.js"

/**
 * The partial-JSON state of a text: `undefined` while only whitespace
 * arrived, `null` when it does not start with `{` or `[`, else the parser.
 */
export type JsonState = PartialJson.Parser | null | undefined

/**
 * Whether text is JSON for `parsed` (§4): its first character after
 * `trimStart()` is `{` or `[`; `undefined` while it is only whitespace.
 */
const startsJson = (text: string): boolean | undefined => {
  const start = text.trimStart()
  return start === "" ? undefined : start[0] === "{" || start[0] === "["
}

/**
 * Feeds a delta of a text; `whole` is the text with the delta (the snapshot's
 * string), which the parser shares when it has read the text from its start.
 *
 * @internal
 */
export const feedJson = (state: JsonState, delta: string, whole: string): JsonState => {
  if (state === null) return null
  if (state !== undefined) return (state as ParserImpl).feed(delta, whole)
  // Undecided: everything before was whitespace, so the delta decides.
  const json = startsJson(delta)
  return json === undefined ? undefined : json ? (PartialJson.empty as ParserImpl).feed(delta, whole) : null
}

/** @internal */
export const jsonValue = (state: JsonState): Option.Option<unknown> =>
  state === null || state === undefined ? Option.none() : PartialJson.value(state)

/**
 * `JSON.parse(text)` for text starting with `{` or `[` (after
 * `trimStart()`), none otherwise or when it is not valid JSON.
 *
 * @internal
 */
export const parseDone = (text: string): Option.Option<unknown> => {
  if (startsJson(text) !== true) return Option.none()
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}
