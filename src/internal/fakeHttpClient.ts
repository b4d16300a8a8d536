/**
 * The fake server of the test layer: the replies it answers with, the
 * requests it records, and the `HttpClient` that serves the one and records
 * the other. `ChatCompletionsTest` documents and exports them.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */

import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { ChatCompletionRequest } from "../ChatCompletionRequest.js"

/** How a reply's body is sent (`ChatCompletionsTest.ReplyOptions`). */
export interface ReplyOptions {
  readonly status?: number | undefined
  /** Added to `content-type` and `x-request-id: req_test`, replacing them whatever the case of the name. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly pieceSize?: number | undefined
  readonly delay?: Duration.DurationInput | undefined
}

/** What the fake server answers to one request (`ChatCompletionsTest.Reply`). */
export type Reply =
  | {
    readonly _tag: "Body"
    readonly body: Effect.Effect<Uint8Array>
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly pieceSize: number
    readonly delay: Duration.Duration
  }
  | { readonly _tag: "ConnectionFailure"; readonly code: string }

export const body = (
  bytes: Effect.Effect<Uint8Array>,
  options: ReplyOptions | undefined,
  defaults: { readonly contentType: string; readonly status: number }
): Reply => ({
  _tag: "Body",
  body: bytes,
  status: options?.status ?? defaults.status,
  headers: {
    "content-type": defaults.contentType,
    "x-request-id": "req_test",
    ...Object.fromEntries(Object.entries(options?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]))
  },
  pieceSize: Math.max(1, options?.pieceSize ?? Number.POSITIVE_INFINITY),
  delay: Duration.decode(options?.delay ?? 0)
})

/** A request the fake server received (`ChatCompletionsTest.ReceivedRequest`). */
export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Headers.Headers
  /** The JSON body: the params with `stream: true` and `stream_options`. */
  readonly body: ChatCompletionRequest & { readonly stream: true }
}

/** The replies of a test layer (`ChatCompletionsTest.Replies`). */
export type Replies =
  | ReadonlyArray<Reply>
  | ((request: ReceivedRequest, index: number) => Reply | Effect.Effect<Reply>)

const bodyStream = (bytes: Uint8Array, pieceSize: number, delay: Duration.Duration): ReadableStream<Uint8Array> => {
  let at = 0
  const wait = Duration.toMillis(delay)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= bytes.length) {
        controller.close()
        return
      }
      if (wait > 0 && at > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const end = Math.min(bytes.length, at + pieceSize)
      controller.enqueue(bytes.slice(at, end))
      at = end
    }
  })
}

/** A fake `HttpClient` answering with the replies, and the ref it records requests into. */
export const makeHttpClient = (
  replies: Replies
): Effect.Effect<{ readonly client: HttpClient.HttpClient; readonly requests: Ref.Ref<ReadonlyArray<ReceivedRequest>> }> =>
  Effect.map(Ref.make<ReadonlyArray<ReceivedRequest>>([]), (recorded) => {
    const decoder = new TextDecoder()
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const raw = request.body._tag === "Uint8Array" ? decoder.decode(request.body.body) : "{}"
        const received: ReceivedRequest = {
          method: request.method,
          url: url.toString(),
          headers: request.headers,
          body: JSON.parse(raw)
        }
        const index = yield* Ref.modify(recorded, (all) => [all.length, [...all, received]] as const)
        const reply = typeof replies === "function"
          ? yield* Effect.suspend(() => {
            const result = replies(received, index)
            return Effect.isEffect(result) ? result : Effect.succeed(result)
          })
          : replies[index]
        if (reply === undefined) {
          return yield* Effect.dieMessage(
            `ChatCompletionsTest: no reply left for request ${index + 1} (${replies.length} given)`
          )
        }
        if (reply._tag === "ConnectionFailure") {
          const cause = Object.assign(new Error(`connect ${reply.code} ${url.host}`), { code: reply.code })
          return yield* Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
        }
        const bytes = yield* reply.body
        const nullBody = reply.status === 204 || reply.status === 304
        const response = new Response(nullBody ? null : bodyStream(bytes, reply.pieceSize, reply.delay), {
          status: reply.status,
          headers: reply.headers
        })
        return HttpClientResponse.fromWeb(request, response)
      })
    )
    return { client, requests: recorded }
  })
