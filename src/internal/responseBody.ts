/**
 * Reading the body of a response: at most so much of an error body, as
 * text; and the body of a 2xx judged by its start (`responseStart.ts`): an
 * event stream passed on as it arrives, a JSON body read whole (an error, or
 * a non-streamed completion as the body of a stream), anything else an
 * `ApiError` with a preview.
 *
 * Not public API.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Chunk from "effect/Chunk"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ChatStreamError } from "../ChatStreamError.js"
import { IncompleteStreamError, SseError } from "../ChatStreamError.js"
import { apiErrorFromResponse, errorMessageOf, MAX_ERROR_BODY, MAX_ERROR_READ, notAStreamError, transportError } from "./clientErrors.js"
import * as ContentEncoding from "./contentEncoding.js"
import { type BodyKind, BodySniffer, concat } from "./responseStart.js"
import { withIdleTimeout } from "./retryPolicy.js"

/** The options reading a body takes (of `ChatCompletions.ResolvedOptions`). */
export interface BodyOptions {
  readonly idleTimeout: Duration.Duration
  readonly maxEventBytes: number
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
}

/**
 * The body's bytes as the server meant them: read with the idle timeout, and
 * decompressed when the server (or a proxy) sent it gzip-, deflate- or
 * br-encoded (see `contentEncoding`). A body that does not decompress is an
 * `IncompleteStreamError` (`Transport`) naming the coding.
 */
const networkBody = (
  response: HttpClientResponse.HttpClientResponse,
  idle: Duration.Duration
): Stream.Stream<Uint8Array, IncompleteStreamError> => {
  const coding = ContentEncoding.codingOf(response.headers["content-encoding"])
  return ContentEncoding.decode(
    withIdleTimeout(Stream.mapError(response.stream, transportError), idle),
    coding,
    (cause) =>
      new IncompleteStreamError({
        reason: "Transport",
        detail: `the ${coding}-encoded body could not be decompressed (${errorMessageOf(cause) ?? String(cause)})`,
        cause,
        snapshot: Option.none()
      })
  )
}

/** Reads at most `limit` bytes of a body, as text. */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number,
  idle: Duration.Duration
): Effect.Effect<string, IncompleteStreamError> =>
  networkBody(response, idle).pipe(
    Stream.runFoldWhile(
      { parts: [] as Array<Uint8Array>, size: 0 },
      (acc) => acc.size < limit,
      (acc, part) => {
        acc.parts.push(part)
        return { parts: acc.parts, size: acc.size + part.length }
      }
    ),
    Effect.map(({ parts, size }) => new TextDecoder().decode(concat(parts, size)))
  )

/** The start of a 2xx body as it is read: its pieces (`head`), their size, and whether the body ended. */
class BodyHead {
  readonly head: Array<Uint8Array> = []
  size = 0
  ended = false
  /** Reads once into `head`; false at the end of the body. */
  readonly readOnce: Effect.Effect<boolean, IncompleteStreamError>

  constructor(pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<IncompleteStreamError>>) {
    this.readOnce = Effect.matchEffect(pull, {
      onFailure: Option.match({
        onNone: () =>
          Effect.sync(() => {
            this.ended = true
            return false
          }),
        onSome: (error) => Effect.fail(error)
      }),
      onSuccess: (parts) =>
        Effect.sync(() => {
          for (const part of parts) {
            this.head.push(part)
            this.size += part.length
          }
          return true
        })
    })
  }

  text(): string {
    return new TextDecoder().decode(concat(this.head, this.size))
  }
}

/** Reads until the start of the body tells what it is. */
const kindOf = (body: BodyHead): Effect.Effect<Exclude<BodyKind, "Undecided">, IncompleteStreamError> =>
  Effect.gen(function*() {
    let kind: BodyKind = "Undecided"
    const sniffer = new BodySniffer()
    while (kind === "Undecided") {
      const before = body.head.length
      yield* body.readOnce
      kind = sniffer.push(body.head.slice(before), body.ended)
      // a start of nothing but whitespace this long: let the pipeline judge it
      if (kind === "Undecided" && body.size > MAX_ERROR_READ) kind = "Sse"
    }
    return kind
  })

/** A JSON body, read whole: an error object is an `ApiError`, a completion the body of a stream of one chunk. */
const jsonBody = (
  response: HttpClientResponse.HttpClientResponse,
  body: BodyHead,
  options: BodyOptions
): Effect.Effect<Stream.Stream<Uint8Array, ChatStreamError>, IncompleteStreamError> =>
  Effect.gen(function*() {
    while (!body.ended && body.size <= options.maxEventBytes) yield* body.readOnce
    if (body.size > options.maxEventBytes) {
      return Stream.fail(new SseError({ reason: "EventTooLarge", limit: options.maxEventBytes, snapshot: Option.none() }))
    }
    const text = body.text()
    let json: unknown = undefined
    try {
      json = JSON.parse(text)
    } catch {
      return Stream.fail(notAStreamError(response.status, response.headers, text, options.apiKey))
    }
    const errorOf = Array.isArray(json) ? json[0] : json
    if (Predicate.isRecord(errorOf) && errorOf.error !== undefined && errorOf.error !== null && errorOf.error !== "") {
      return Stream.fail(apiErrorFromResponse(response.status, response.headers, text, options.apiKey))
    }
    return Option.match(completionAsSse(json), {
      onNone: () =>
        Stream.fail(
          notAStreamError(
            response.status,
            response.headers,
            text,
            options.apiKey,
            "an event stream or a chat completion"
          )
        ),
      onSome: (sse) => Stream.succeed(new TextEncoder().encode(sse))
    })
  })

/** A body that is neither an event stream nor JSON: an `ApiError` with its start. */
const otherBody = (
  response: HttpClientResponse.HttpClientResponse,
  body: BodyHead,
  options: BodyOptions
): Effect.Effect<Stream.Stream<Uint8Array, ChatStreamError>> =>
  Effect.gen(function*() {
    // enough for the error's body; a failure while reading it keeps what arrived
    while (!body.ended && body.size < MAX_ERROR_BODY) {
      if (!(yield* Effect.orElseSucceed(body.readOnce, () => false))) break
    }
    return Stream.fail(notAStreamError(response.status, response.headers, body.text(), options.apiKey))
  })

/**
 * The body of a 2xx, judged by its start (`sniffBody`): an event
 * stream is passed on as it arrives (only the first read or two are held
 * until its start is known); a JSON body is read whole and becomes an
 * `ApiError` or a stream body of one chunk; anything else an `ApiError`
 * with a preview; an empty body stays empty (the pipeline makes it an
 * `IncompleteStreamError`).
 */
export const bodyOf = (
  response: HttpClientResponse.HttpClientResponse,
  options: BodyOptions
): Stream.Stream<Uint8Array, ChatStreamError> => {
  // 204 / 205 have no body (a fetch-based client fails to make a stream of none)
  const raw = response.status === 204 || response.status === 205
    ? Stream.empty
    : networkBody(response, options.idleTimeout)
  return Stream.unwrapScoped(Effect.gen(function*(): Effect.fn.Return<
    Stream.Stream<Uint8Array, ChatStreamError>,
    ChatStreamError,
    Scope.Scope
  > {
    const pull = yield* Stream.toPull(raw)
    const body = new BodyHead(pull)
    const kind = yield* kindOf(body)
    switch (kind) {
      case "Sse":
      case "Empty": {
        const first = Stream.fromIterable(body.head)
        return body.ended ? first : Stream.concat(first, Stream.repeatEffectChunkOption(pull))
      }
      case "Json":
        return yield* jsonBody(response, body, options)
      case "Other":
        return yield* otherBody(response, body, options)
    }
  }))
}

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
