/**
 * The span of a request (`chat <model>`) and what it records: the request,
 * the response's status, request id, attempts and time to the first byte,
 * and what the streams saw (ids, model, first token, finish reasons, usage,
 * error), written when the request's scope closes.
 *
 * Not public API.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type { ChatCompletion, ChatCompletionChunk } from "../ChatCompletion.js"

/** What the streams saw, written to the request's span when it ends. */
export interface Observation {
  firstTokenAt: number | undefined
  id: string | undefined
  model: string | undefined
  finishReasons: Map<number, string>
  usage: Record<string, unknown> | undefined
  error: string | undefined
}

export const makeObservation = (): Observation => ({
  firstTokenAt: undefined,
  id: undefined,
  model: undefined,
  finishReasons: new Map(),
  usage: undefined,
  error: undefined
})

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value !== ""

const hasToken = (delta: ChatCompletionChunk["choices"][number]["delta"]): boolean =>
  nonEmpty(delta.content) || nonEmpty(delta.refusal) || nonEmpty(delta.reasoning_content) ||
  nonEmpty(delta.reasoning) || (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0)

/** Notes a chunk; true when it holds the first token. */
export const observeChunk = (observation: Observation, chunk: ChatCompletionChunk): boolean => {
  if (nonEmpty(chunk.id)) observation.id = chunk.id
  if (nonEmpty(chunk.model)) observation.model = chunk.model
  let first = false
  const record = chunk as Record<string, unknown>
  const usage = record.usage ?? (Predicate.isRecord(record.x_groq) ? record.x_groq.usage : undefined)
  if (Predicate.isRecord(usage)) observation.usage = usage
  for (const choice of chunk.choices) {
    if (nonEmpty(choice.finish_reason)) observation.finishReasons.set(choice.index, choice.finish_reason)
    const choiceUsage = (choice as Record<string, unknown>).usage
    if (Predicate.isRecord(choiceUsage)) observation.usage = choiceUsage
    if (observation.firstTokenAt === undefined && !first && hasToken(choice.delta)) first = true
  }
  return first
}

/** Notes a snapshot; true when it holds the first token. */
export const observeSnapshot = (observation: Observation, snapshot: ChatCompletion): boolean => {
  if (nonEmpty(snapshot.id)) observation.id = snapshot.id
  if (nonEmpty(snapshot.model)) observation.model = snapshot.model
  if (snapshot.usage !== undefined) observation.usage = snapshot.usage as Record<string, unknown>
  let first = false
  for (const choice of snapshot.choices) {
    if (nonEmpty(choice.finish_reason)) observation.finishReasons.set(choice.index, choice.finish_reason)
    const m = choice.message
    if (
      observation.firstTokenAt === undefined &&
      (nonEmpty(m.content) || nonEmpty(m.refusal) || nonEmpty(m.reasoning_content) || nonEmpty(m.reasoning) ||
        (m.tool_calls !== undefined && m.tool_calls.length > 0))
    ) first = true
  }
  return first
}

/** The span attributes of an observation (OpenTelemetry GenAI names where one exists). */
export const observationAttributes = (observation: Observation, startedAt: number): Record<string, unknown> => {
  const attributes: Record<string, unknown> = {}
  if (observation.id !== undefined) attributes["gen_ai.response.id"] = observation.id
  if (observation.model !== undefined) attributes["gen_ai.response.model"] = observation.model
  if (observation.firstTokenAt !== undefined) {
    attributes["chat_completions.time_to_first_token_ms"] = observation.firstTokenAt - startedAt
  }
  if (observation.finishReasons.size > 0) {
    attributes["gen_ai.response.finish_reasons"] = [...observation.finishReasons.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, reason]) => reason)
  }
  const usage = observation.usage
  if (usage !== undefined) {
    if (typeof usage.prompt_tokens === "number") attributes["gen_ai.usage.input_tokens"] = usage.prompt_tokens
    if (typeof usage.completion_tokens === "number") attributes["gen_ai.usage.output_tokens"] = usage.completion_tokens
    if (typeof usage.total_tokens === "number") attributes["gen_ai.usage.total_tokens"] = usage.total_tokens
  }
  if (observation.error !== undefined) attributes["error.type"] = observation.error
  return attributes
}

/**
 * Opens the span of a request in `scope`, with what the streams will see
 * written to it when the scope closes.
 */
export const startSpan = (
  model: string,
  shownUrl: string,
  scope: Scope.Scope,
  startedAt: number
): Effect.Effect<{ readonly span: Tracer.Span; readonly observation: Observation }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const span = yield* Effect.makeSpanScoped(`chat ${model}`, {
      kind: "client",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model,
        "server.address": shownUrl
      }
    })
    const observation = makeObservation()
    yield* Scope.addFinalizer(
      scope,
      Effect.sync(() => {
        for (const [key, value] of Object.entries(observationAttributes(observation, startedAt))) {
          span.attribute(key, value)
        }
      })
    )
    return { span, observation }
  })

/** Records the response's status line on the span: status, attempts, time to the first byte, request id. */
export const recordResponse = (
  span: Tracer.Span,
  meta: { readonly status: number; readonly requestId: Option.Option<string> },
  attempts: number,
  timeToFirstByte: number
): void => {
  span.attribute("http.response.status_code", meta.status)
  span.attribute("chat_completions.attempts", attempts)
  span.attribute("chat_completions.time_to_first_byte_ms", timeToFirstByte)
  if (Option.isSome(meta.requestId)) span.attribute("chat_completions.request_id", meta.requestId.value)
}
