/**
 * Stream helpers shared by the modules' `dual` APIs.
 *
 * @internal
 */
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"

/**
 * Whether a value is a Stream: how a `dual` with optional options tells the
 * data-first call from the data-last one.
 *
 * @internal
 */
export const isStream = (u: unknown): u is Stream.Stream<unknown, unknown, unknown> =>
  Predicate.hasProperty(u, Stream.StreamTypeId)
