/**
 * The loopback server and the client layer of the end-to-end tests: a
 * `node:http` server on 127.0.0.1 that each test starts with its own handler
 * (closed with the test's scope, recording what it received), ways to write a
 * body in pieces, and `ChatCompletions` over undici pointed at it.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Layer, Option, Redacted, Schedule, Stream } from "effect"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as ChatCompletions from "../../src/ChatCompletions.js"
import * as ChatStream from "../../src/ChatStream.js"
import type { ChatCompletion } from "../../src/ChatCompletion.js"
import type { ChatStreamEvent } from "../../src/ChatStreamEvent.js"
import * as JsonLines from "../../src/JsonLines.js"

// -----------------------------------------------------------------------------
// the server
// -----------------------------------------------------------------------------

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures")
export const fixture = (name: string): Buffer => fs.readFileSync(path.join(fixtures, `${name}.sse`))

export const API_KEY = "sk-test-0123456789abcdefghij"

export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: Record<string, any>
  /** Resolves when the connection of this request closes; `true` when the server had not finished its answer. */
  readonly closed: Promise<{ readonly early: boolean; readonly at: number }>
}

export interface TestServer {
  readonly baseUrl: string
  readonly port: number
  readonly requests: Array<Received>
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void | Promise<void>

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A server on 127.0.0.1 (port 0), closed with the test's scope. */
export const startServer = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.async<{ server: http.Server; state: TestServer }>((resume) => {
      const requests: Array<Received> = []
      const server = http.createServer((req, res) => {
        const parts: Array<Buffer> = []
        req.on("data", (part: Buffer) => parts.push(part))
        req.on("end", () => {
          const text = Buffer.concat(parts).toString("utf8")
          const closed = new Promise<{ early: boolean; at: number }>((resolve) => {
            res.on("close", () => resolve({ early: !res.writableFinished, at: Date.now() }))
          })
          const index = requests.length
          requests.push({
            method: req.method ?? "",
            url: req.url ?? "",
            headers: req.headers,
            body: text === "" ? {} : JSON.parse(text),
            closed
          })
          Promise.resolve(handler(req, res, index)).catch(() => res.destroy())
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port
        resume(Effect.succeed({ server, state: { baseUrl: `http://127.0.0.1:${port}/v1`, port, requests } }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ state }) => state))

/** A deterministic generator (mulberry32). */
export const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": "req_e2e_1" }

/** Writes `body` in random pieces of 1–`maxPiece` bytes with random delays up to `maxDelay` ms. */
export const writeInPieces = async (
  res: http.ServerResponse,
  body: Uint8Array,
  seed: number,
  options: { readonly maxPiece?: number; readonly maxDelay?: number; readonly end?: boolean } = {}
) => {
  const next = random(seed)
  res.writeHead(200, sseHeaders)
  res.flushHeaders()
  let at = 0
  while (at < body.length) {
    if (res.destroyed) return
    const size = 1 + Math.floor(next() * (options.maxPiece ?? 24))
    res.write(body.subarray(at, Math.min(body.length, at + size)))
    at += size
    const delay = Math.floor(next() * ((options.maxDelay ?? 3) + 1))
    if (delay > 0) await sleep(delay)
  }
  if (options.end ?? true) res.end()
}

/** Writes `body` in a few large pieces without delays. */
export const serveBody = (body: Uint8Array): Handler => (_req, res) =>
  writeInPieces(res, body, 1, { maxPiece: 1024, maxDelay: 0 })

export const jsonError = (res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_err_${status}`, ...headers })
  res.end(JSON.stringify(payload))
}

// -----------------------------------------------------------------------------
// the client
// -----------------------------------------------------------------------------

export const fast = Schedule.spaced("10 millis").pipe(Schedule.intersect(Schedule.recurs(3)))

export const clientLayer = (server: TestServer, options: ChatCompletions.Options = {}) =>
  ChatCompletions.layer({
    baseUrl: server.baseUrl,
    apiKey: Redacted.make(API_KEY),
    retrySchedule: fast,
    idleTimeout: "200 millis",
    requestTimeout: "2 seconds",
    ...options
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))

export const params = {
  model: "gpt-4o-mini",
  messages: [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "hi" }]
}

/** The JSON lines of an events run, as the CLI prints them. */
export const linesOfRun = <E, R>(events: Stream.Stream<ChatStreamEvent, E, R>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    let last = Option.none<ChatCompletion>()
    const result = yield* Effect.either(Stream.runForEach(events, (event) =>
      Effect.sync(() => {
        if (event._tag === "Chunk") last = Option.some(event.snapshot)
        lines.push(JsonLines.event(event))
      })))
    lines.push(Either.isRight(result) ? JsonLines.final(last) : JsonLines.failure(result.left))
    return lines
  })

export const referenceLines = (body: Uint8Array) => linesOfRun(ChatStream.events(Stream.make(body)))
