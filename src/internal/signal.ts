/**
 * The signals of the pipeline: what one server-sent event, one chunk of a
 * chunk stream, or the end of input means to the engine.
 *
 * Not public API. (This comment carries no internal tag:
 * it would strip the imports below it from the published declarations.)
 */
import type { ChatCompletionChunk } from "../ChatCompletion.js"

/** What one server-sent event means to the pipeline. */
export type Signal<E> =
  | { readonly _tag: "Chunk"; readonly chunk: ChatCompletionChunk; readonly text?: string }
  | { readonly _tag: "Done" }
  | { readonly _tag: "End" }
  | { readonly _tag: "Fault"; readonly error: E }

export const DONE: Signal<never> = { _tag: "Done" }
export const END: Signal<never> = { _tag: "End" }
export const fault = <E>(error: E): Signal<E> => ({ _tag: "Fault", error })
