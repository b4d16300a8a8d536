/**
 * The types of the snapshot fold's state, shared by the public `Snapshot`
 * module (which documents and re-exports them) and the fold's internal
 * files.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it, and these types, which `Snapshot` publishes, from the
 * published declarations.)
 */
import type * as Option from "effect/Option"
import type { ChatCompletion, ChatCompletionChoice, TokenLogprob } from "../ChatCompletion.js"
import type { AppendLog } from "./appendLog.js"

/** What the fold knows about one choice (see `Snapshot.ChoiceState`). */
export interface ChoiceState {
  /** The choice as it stands in the snapshot. */
  readonly choice: ChatCompletionChoice
  /** Whether `role` came from the stream (else it is the default). */
  readonly roleSet: boolean
  /** The index of each tool call, in the order of `choice.message.tool_calls` (ascending). */
  readonly toolCallIndexes: ReadonlyArray<number>
  /** Whether each tool call's `type` came from the stream. */
  readonly toolCallTypeSet: ReadonlyArray<boolean>
  /** The tool call the previous tool-call fragment of this choice went to. */
  readonly lastToolCallIndex: number | undefined
  /**
   * The arrays that grow by appending, shared between snapshots (each
   * snapshot's field is a lazy copy of its prefix): O(1) per chunk instead
   * of a copy.
   */
  readonly logprobsContent?: AppendLog<TokenLogprob> | undefined
  readonly logprobsRefusal?: AppendLog<TokenLogprob> | undefined
  readonly reasoningDetails?: AppendLog<unknown> | undefined
}

/** The fold's state (see `Snapshot.Accumulator`). */
export interface Accumulator {
  readonly snapshot: Option.Option<ChatCompletion>
  readonly choices: ReadonlyArray<ChoiceState>
}
