/**
 * End to end: `ChatCompletions` through `NodeHttpClient` (undici) against a
 * `node:http` server on 127.0.0.1 that each test starts. Bytes in random
 * pieces with random delays, retries (500, 429 with `retry-after`), error
 * answers, a connection cut mid-stream, a stalled server, a consumer that
 * stops early, an interrupted fiber, an unreachable server, and what the
 * server receives.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Duration, Effect, Exit, Fiber, Option, Schedule, Stream } from "effect"
import * as ChatCompletions from "../../src/ChatCompletions.js"
import * as ChatStream from "../../src/ChatStream.js"
import * as ChatStreamError from "../../src/ChatStreamError.js"
import * as JsonLines from "../../src/JsonLines.js"
import { API_KEY, clientLayer, fixture, jsonError, linesOfRun, params, referenceLines, serveBody, sleep, sseHeaders, startServer, type TestServer, writeInPieces } from "./server.js"

// -----------------------------------------------------------------------------
// tests
// -----------------------------------------------------------------------------

describe("ChatCompletions over HTTP", () => {
  it.scopedLive("bytes in random small pieces with random delays give the events of the whole body", () =>
    Effect.gen(function*() {
      for (const [name, seed] of [["openai-content", 7], ["openai-parallel-tools", 11], ["deepseek-reasoning", 13]] as const) {
        const body = new Uint8Array(fixture(name))
        const server = yield* startServer((_req, res) => writeInPieces(res, body, seed, { maxPiece: 48, maxDelay: 2 }))
        const lines = yield* Effect.scoped(Effect.gen(function*() {
          const client = yield* ChatCompletions.ChatCompletions
          const response = yield* client.stream(params)
          expect(response.meta.status).toBe(200)
          expect(response.meta.requestId).toEqual(Option.some("req_e2e_1"))
          expect(response.meta.attempts).toBe(1)
          expect(Duration.toMillis(response.meta.timeToFirstByte)).toBeGreaterThanOrEqual(0)
          expect(response.meta.headers["content-type"]).toBe("text/event-stream")
          return yield* linesOfRun(response.events)
        })).pipe(Effect.provide(clientLayer(server)))
        expect(lines).toEqual(yield* referenceLines(body))

        // what the server received
        expect(server.requests).toHaveLength(1)
        const [request] = server.requests
        expect(request.method).toBe("POST")
        expect(request.url).toBe("/v1/chat/completions")
        expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
        expect(request.headers["content-type"]).toMatch(/^application\/json/)
        expect(request.headers.accept).toBe("text/event-stream")
        expect(request.body).toEqual({ ...params, stream: true, stream_options: { include_usage: true } })
      }
    }))

  it.scopedLive("the usage option can be turned off, headers added, and extra params pass through", () =>
    Effect.gen(function*() {
      const server = yield* startServer(serveBody(new Uint8Array(fixture("openai-content"))))
      const content = yield* ChatCompletions.finalContent({ ...params, temperature: 0, top_k: 5 }).pipe(
        Effect.provide(clientLayer(server, {
          includeUsage: false,
          organization: "org-1",
          project: "proj-1",
          headers: { "X-Title": "e2e" },
          apiKey: undefined
        }))
      )
      expect(content).toEqual(Option.some("Hello! How can I help you today?"))
      const [request] = server.requests
      expect(request.body).toEqual({ ...params, temperature: 0, top_k: 5, stream: true })
      expect(request.headers.authorization).toBeUndefined()
      expect(request.headers["openai-organization"]).toBe("org-1")
      expect(request.headers["openai-project"]).toBe("proj-1")
      expect(request.headers["x-title"]).toBe("e2e")
    }))

  it.scopedLive("a 500 then a success is retried, before the first byte", () =>
    Effect.gen(function*() {
      const body = new Uint8Array(fixture("openai-content"))
      const server = yield* startServer((_req, res, index) =>
        index === 0
          ? jsonError(res, 500, { error: { message: "The server had an error", type: "server_error" } })
          : writeInPieces(res, body, 3, { maxPiece: 256 })
      )
      const result = yield* Effect.scoped(Effect.gen(function*() {
        const response = yield* ChatCompletions.stream(params)
        const content = yield* ChatStream.finalContent(response.events)
        return { content, attempts: response.meta.attempts }
      })).pipe(Effect.provide(clientLayer(server)))
      expect(result).toEqual({ content: Option.some("Hello! How can I help you today?"), attempts: 2 })
      expect(server.requests).toHaveLength(2)
      expect(server.requests[1].body).toEqual(server.requests[0].body)
    }))

  it.scopedLive("a 429 with retry-after waits at least that long, then succeeds", () =>
    Effect.gen(function*() {
      const body = new Uint8Array(fixture("openai-content"))
      const server = yield* startServer((_req, res, index) =>
        index === 0
          ? jsonError(res, 429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }, {
            "retry-after": "1"
          })
          : writeInPieces(res, body, 5, { maxPiece: 256 })
      )
      const started = Date.now()
      const content = yield* ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server)))
      const waited = server.requests.length === 2 ? Date.now() - started : -1
      expect(content).toEqual(Option.some("Hello! How can I help you today?"))
      expect(server.requests).toHaveLength(2)
      expect(waited).toBeGreaterThanOrEqual(950) // the schedule alone would wait 10 ms
    }))

  it.scopedLive("a retry-after beyond maxRetryAfter is not waited for: the 429 is returned", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) =>
        jsonError(res, 429, { error: { message: "Quota exceeded", type: "insufficient_quota", code: "insufficient_quota" } }, {
          "retry-after": "3600"
        })
      )
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      expect(error._tag).toBe("ApiError")
      expect(error).toMatchObject({ status: 429, code: "insufficient_quota", requestId: "req_err_429" })
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("a 401 fails with a typed ApiError carrying the provider's error, never the key, and is not retried", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) =>
        jsonError(res, 401, {
          error: {
            message: `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            type: "invalid_request_error",
            param: null,
            code: "invalid_api_key"
          }
        })
      )
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      expect(error).toBeInstanceOf(ChatStreamError.ApiError)
      const api = error as ChatStreamError.ApiError
      expect(api.status).toBe(401)
      expect(api.type).toBe("invalid_request_error")
      expect(api.code).toBe("invalid_api_key")
      expect(api.requestId).toBe("req_err_401")
      expect(api.message).toMatch(/^Incorrect API key provided: \[redacted\]/)
      expect(api.body).toContain("invalid_api_key")
      expect(api.snapshot).toEqual(Option.none())
      expect(JSON.stringify(JsonLines.errorJson(api))).not.toContain(API_KEY)
      expect(String(api)).not.toContain(API_KEY)
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("a non-JSON error body keeps a preview and the truncated body", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) => {
        res.writeHead(502, { "content-type": "text/html" })
        res.end(`<html><body><h1>502 Bad Gateway</h1>${"x".repeat(10_000)}</body></html>`)
      })
      const error = yield* Effect.flip(
        ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server, { retrySchedule: Schedule.stop })))
      )
      expect(error).toMatchObject({ _tag: "ApiError", status: 502, type: null, code: null })
      expect(error.message).toMatch(/^HTTP 502: 502 Bad Gateway/)
      expect((error as ChatStreamError.ApiError).body!.length).toBeLessThan(4200)
    }))

  it.scopedLive("a connection closed mid-stream fails with IncompleteStreamError (Transport) carrying the snapshot", () =>
    Effect.gen(function*() {
      const body = new Uint8Array(fixture("openai-content"))
      const cut = Buffer.from(body).indexOf(" I help you today?")
      const server = yield* startServer(async (_req, res) => {
        res.writeHead(200, sseHeaders)
        res.write(body.subarray(0, cut + 10)) // the 2nd content chunk complete, the 3rd cut
        await sleep(30)
        res.socket?.destroy()
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
      const incomplete = error as ChatStreamError.IncompleteStreamError
      expect(incomplete.reason).toBe("Transport")
      expect(Option.map(incomplete.snapshot, (s) => s.choices[0].message.content)).toEqual(Option.some("Hello! How can"))
      expect(server.requests).toHaveLength(1) // data had arrived: not retried
    }))

  it.scopedLive("a server that stalls fails with IncompleteStreamError (IdleTimeout) carrying the snapshot, and is hung up on", () =>
    Effect.gen(function*() {
      const body = new Uint8Array(fixture("openai-content"))
      const cut = Buffer.from(body).indexOf("data:", Buffer.from(body).indexOf("! How can"))
      const server = yield* startServer((_req, res) => {
        res.writeHead(200, sseHeaders)
        res.write(body.subarray(0, cut)) // then nothing, connection kept open
      })
      const started = Date.now()
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(clientLayer(server))))
      const elapsed = Date.now() - started
      expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
      const incomplete = error as ChatStreamError.IncompleteStreamError
      expect(incomplete.reason).toBe("IdleTimeout")
      expect(Option.map(incomplete.snapshot, (s) => s.choices[0].message.content)).toEqual(Option.some("Hello! How can"))
      expect(elapsed).toBeGreaterThanOrEqual(190)
      expect(elapsed).toBeLessThan(2000)
      const closed = yield* Effect.promise(() => server.requests[0].closed)
      expect(closed.early).toBe(true)
    }))

  it.scopedLive("a server that sends no headers fails with ConnectionError (Timeout)", () =>
    Effect.gen(function*() {
      const server = yield* startServer(() => {
        // never answers
      })
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(
        Effect.provide(clientLayer(server, { requestTimeout: "150 millis", retrySchedule: Schedule.recurs(1) }))
      ))
      expect(error).toBeInstanceOf(ChatCompletions.ConnectionError)
      expect(error).toMatchObject({ reason: "Timeout", attempts: 2 })
      expect(server.requests).toHaveLength(2)
      const closed = yield* Effect.promise(() => server.requests[0].closed)
      expect(closed.early).toBe(true)
    }))

  const slowServer = (progress: { written: number }) =>
    startServer(async (_req, res) => {
      res.writeHead(200, sseHeaders)
      res.write(
        `data: ${JSON.stringify({ id: "c1", model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "" } }] })}\n\n`
      )
      for (let i = 0; i < 400 && !res.destroyed; i++) {
        res.write(`data: ${JSON.stringify({ id: "c1", model: "m", choices: [{ index: 0, delta: { content: `w${i} ` } }] })}\n\n`)
        progress.written = i + 1
        await sleep(10)
      }
      res.end("data: [DONE]\n\n")
    })

  const awaitClose = (server: TestServer) =>
    Effect.promise(() => server.requests[0].closed).pipe(
      Effect.timeoutFail({ duration: "1 second", onTimeout: () => "the server did not see the connection close" })
    )

  it.scopedLive("a consumer that takes three events and stops closes the connection at once", () =>
    Effect.gen(function*() {
      const progress = { written: 0 }
      const server = yield* slowServer(progress)
      const taken = yield* ChatCompletions.events(params).pipe(
        Stream.take(3),
        Stream.runCollect,
        Effect.provide(clientLayer(server))
      )
      const stoppedAt = Date.now()
      expect(Chunk.toArray(taken).map((e) => e._tag)).toEqual(["Chunk", "Chunk", "ContentDelta"])
      const closed = yield* awaitClose(server)
      expect(closed.early).toBe(true)
      expect(closed.at - stoppedAt).toBeLessThan(500)
      expect(progress.written).toBeLessThan(100)
    }))

  it.scopedLive("a consumer that stops early releases the response while the scope of stream() is still open", () =>
    Effect.gen(function*() {
      const progress = { written: 0 }
      const server = yield* slowServer(progress)
      yield* Effect.gen(function*() {
        const response = yield* ChatCompletions.stream(params)
        const taken = yield* Stream.runCollect(Stream.take(response.events, 3))
        expect(Chunk.size(taken)).toBe(3)
        const closed = yield* awaitClose(server) // inside the scope
        expect(closed.early).toBe(true)
        expect(progress.written).toBeLessThan(100)
      }).pipe(Effect.scoped, Effect.provide(clientLayer(server)))
    }))

  it.scopedLive("interrupting the consuming fiber aborts the request", () =>
    Effect.gen(function*() {
      const server = yield* startServer(async (_req, res) => {
        res.writeHead(200, sseHeaders)
        for (let i = 0; i < 400 && !res.destroyed; i++) {
          res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: `w${i} ` } }] })}\n\n`)
          await sleep(10)
        }
        res.end()
      })
      const first = yield* Deferred.make<void>()
      const fiber = yield* ChatCompletions.events(params).pipe(
        Stream.tap(() => Deferred.succeed(first, undefined)),
        Stream.runDrain,
        Effect.provide(clientLayer(server, { idleTimeout: "5 seconds" })),
        Effect.fork
      )
      yield* Deferred.await(first)
      yield* Fiber.interrupt(fiber)
      const closed = yield* awaitClose(server)
      expect(closed.early).toBe(true)
    }))

  it.scopedLive("an unreachable server fails with ConnectionError (ECONNREFUSED) after the retries", () =>
    Effect.gen(function*() {
      const server = yield* startServer(() => {})
      const dead = { ...server, baseUrl: "http://127.0.0.1:9/v1" }
      const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(
        Effect.provide(clientLayer(dead, { retrySchedule: Schedule.spaced("5 millis").pipe(Schedule.intersect(Schedule.recurs(2))) }))
      ))
      expect(error).toBeInstanceOf(ChatCompletions.ConnectionError)
      expect(error).toMatchObject({ reason: "Transport", code: "ECONNREFUSED", attempts: 3 })
      expect(error.message).toContain("http://127.0.0.1:9/v1/chat/completions")
      expect(error.message).toContain("connection refused")
    }))

  it.scopedLive("a server that ignores stream: true and answers JSON still gives events", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "m",
          choices: [{
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{\"a\":1}" } }]
            }
          }],
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }
        }))
      })
      const events = yield* ChatCompletions.events(params).pipe(Stream.runCollect, Effect.provide(clientLayer(server)))
      const done = Chunk.toArray(events).find((e) => e._tag === "ToolCallArgumentsDone")
      expect(done).toMatchObject({ id: "call_1", name: "f", arguments: "{\"a\":1}" })
      const last = Chunk.toArray(events).filter((e) => e._tag === "Chunk").at(-1)
      expect(last?._tag === "Chunk" && last.snapshot.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 })
    }))

  it.scopedLive("a stream value reads its body once; the stream-only helpers open a request per run", () =>
    Effect.gen(function*() {
      const body = new Uint8Array(fixture("openai-content"))
      const server = yield* startServer(serveBody(body))
      yield* Effect.gen(function*() {
        const response = yield* ChatCompletions.stream(params)
        yield* Stream.runDrain(response.events)
        const again = yield* Effect.exit(Stream.runDrain(response.chunks))
        expect(Exit.isFailure(again) && Exit.causeOption(again).pipe(Option.map(String), Option.getOrElse(() => ""))).toContain(
          "already read"
        )
        const events = ChatCompletions.events(params)
        yield* Stream.runDrain(events)
        yield* Stream.runDrain(events)
      }).pipe(Effect.scoped, Effect.provide(clientLayer(server)))
      expect(server.requests).toHaveLength(3)
    }))
})
