/**
 * Building an `ApiError` from a provider's error payload: the implementation
 * of `ChatStreamError.apiErrorFromPayload` (see its documentation).
 *
 * Not public API.
 */
import type * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type { ChatCompletion } from "../ChatCompletion.js"
import { ApiError } from "./errors.js"

/** `JSON.stringify(value)`, or a note where it cannot (a value nested too deeply for its recursion). */
const serialised = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch (cause) {
    return `(not serialisable: ${cause instanceof Error ? cause.message : String(cause)})`
  }
}

/**
 * The message of an error that came without a readable one (absent, empty
 * or blank): `HTTP <status>` for a response, else a fixed sentence naming the
 * type and code when there are any.
 */
const defaultMessage = (
  type: string | null,
  code: string | number | null,
  http: { readonly status: number } | undefined
): string => {
  if (http) return `HTTP ${http.status}`
  const known = [
    ...(type !== null && type !== "" ? [type] : []),
    ...(code !== null && code !== "" ? [`code ${code}`] : [])
  ]
  return known.length === 0
    ? "The provider reported an error"
    : `The provider reported an error (${known.join(", ")})`
}

/** @internal */
export const apiErrorFromPayload = (
  payload: unknown,
  snapshot: Option.Option<ChatCompletion>,
  http?: { readonly status: number; readonly requestId: string | null; readonly body: string }
): ApiError => {
  const inner = Predicate.isRecord(payload) && payload.error !== undefined && payload.error !== null
    ? payload.error
    : payload
  const field = (key: string): unknown => Predicate.isRecord(inner) ? inner[key] : undefined
  const text = (value: unknown): string | null =>
    typeof value === "string" ? value : value === undefined || value === null ? null : serialised(value)
  const rawMessage = typeof inner === "string" ? inner : field("message")
  const rawCode = field("code")
  const type = text(field("type"))
  const code = typeof rawCode === "string" || typeof rawCode === "number" ? rawCode : text(rawCode)
  const given = text(rawMessage)
  const message = given !== null && given.trim() !== "" ? given : defaultMessage(type, code, http)
  return new ApiError({
    message,
    type,
    code,
    param: text(field("param")),
    ...(http ? { status: http.status, requestId: http.requestId, body: http.body } : {}),
    snapshot
  })
}
