/**
 * The body of a 2xx response that is not an event stream: a non-streamed
 * completion as the body of a stream.
 *
 * Not public API.
 */
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"

/**
 * A non-streamed completion (a server that ignored `stream: true`) as the
 * body of a stream: one chunk holding every message, then `[DONE]`. Gives
 * none for JSON that is not a completion.
 */
export const completionAsSse = (json: unknown): Option.Option<string> => {
  if (!Predicate.isRecord(json) || !Array.isArray(json.choices)) return Option.none()
  const { choices, object: _object, ...top } = json
  const chunkChoices = (choices as Array<unknown>).map((choice, position) => {
    const { finish_reason, index, message, ...other } = Predicate.isRecord(choice) ? choice : {}
    const { tool_calls, ...delta } = Predicate.isRecord(message) ? message : {}
    return {
      ...other,
      index: typeof index === "number" ? index : position,
      delta: {
        ...delta,
        ...(Array.isArray(tool_calls)
          ? { tool_calls: tool_calls.map((call, i) => (Predicate.isRecord(call) ? { index: i, ...call } : call)) }
          : {})
      },
      finish_reason: finish_reason ?? null
    }
  })
  const chunk = { ...top, object: "chat.completion.chunk", choices: chunkChoices }
  return Option.some(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`)
}
