/**
 * The options of the streaming pipeline (`ChatStream`): the limits on what a
 * body may hold and whether deltas carry partial JSON, their defaults, and the
 * configuration variables that set them. `ChatStream` re-exports them under
 * their old names, and `ChatCompletions.Options` includes them.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import { optionalVariable } from "./internal/config.js"
import * as Sse from "./Sse.js"

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * Options of the pipeline. More limits on hostile input will join
 * `maxEventBytes` here.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * const options: ChatStream.Options = { maxEventBytes: 1024 * 1024, partialJson: false }
 * const layer = ChatStream.layerWith(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The largest server-sent event accepted, in UTF-8 bytes of its data
   * (default 16 MiB; see `Sse` for what is counted); a larger one fails the
   * stream with `SseError` `EventTooLarge`. `Infinity` disables the limit.
   * A value that is not a positive integer (`NaN`, `0`, negative,
   * fractional) is not clamped or ignored: every stream of the pipeline (and
   * of a service made with it) fails at once, before reading, with `SseError`
   * `InvalidLimit` — a typed failure, not a defect. `config` rejects such a
   * value with a `ConfigError` instead.
   */
  readonly maxEventBytes?: number | undefined
  /**
   * Whether delta events carry partial JSON: `ContentDelta.parsed` and
   * `ToolCallArgumentsDelta.parsedArguments` (default true, as contract §4
   * wants). With `false` they are `Option.none()` and no incremental parse
   * runs; done events still carry the parsed whole text. See
   * `ChatStreamEvent.initialWith`.
   */
  readonly partialJson?: boolean | undefined
}

/**
 * The options with their defaults filled in.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const chat = yield* ChatStream.ChatStream
 *   const options: ChatStream.ResolvedOptions = chat.options
 *   return options.maxEventBytes
 * }).pipe(Effect.provide(ChatStream.layerWith({ partialJson: false })))
 * // 16777216: the default, filled in
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedOptions {
  readonly maxEventBytes: number
  readonly partialJson: boolean
}

/**
 * The default options.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * ChatStream.defaultOptions.maxEventBytes // 16 MiB
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultOptions: ResolvedOptions = { maxEventBytes: Sse.defaultMaxEventBytes, partialJson: true }


/**
 * Fills in the defaults (`defaultOptions`) of the options not given.
 *
 * @example
 * ```ts
 * import { ChatStreamOptions } from "effect-chat-stream"
 *
 * ChatStreamOptions.resolveOptions({ partialJson: false }).maxEventBytes // 16 MiB, the default
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveOptions = (options?: Options | undefined): ResolvedOptions => ({
  maxEventBytes: options?.maxEventBytes ?? defaultOptions.maxEventBytes,
  partialJson: options?.partialJson ?? defaultOptions.partialJson
})

/**
 * The options read from configuration: `CHAT_STREAM_MAX_EVENT_BYTES` (a
 * positive integer number of bytes; `0`, negative, fractional or non-numeric
 * values fail with a `ConfigError`) and `CHAT_STREAM_PARTIAL_JSON` (`true` /
 * `false`), both optional; blank counts as unset. `ChatCompletions.config`
 * reads them too.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const limit = Effect.map(ChatStream.config, (options) => options.maxEventBytes)
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const config: Config.Config<Options> = Config.all({
  maxEventBytes: optionalVariable("CHAT_STREAM_MAX_EVENT_BYTES", (name) =>
    Config.integer(name).pipe(
      Config.validate({ message: "Expected a positive integer (a number of bytes)", validation: (n) => n > 0 })
    )),
  partialJson: optionalVariable("CHAT_STREAM_PARTIAL_JSON", Config.boolean)
})
