/**
 * Append-only arrays shared by successive snapshots.
 *
 * A snapshot's `logprobs.content` (or `reasoning_details`) grows by a few
 * items per chunk. Copying the array for every immutable snapshot costs O(n)
 * per chunk, O(n²) per stream (seconds at 20,000 chunks). Instead, the
 * snapshots of one stream share one backing array, and each snapshot's field
 * is a lazy property: an enumerable getter that copies the snapshot's prefix
 * into a plain array the first time it is read, and gives that same array
 * after. A snapshot nobody reads costs O(1); one that is read costs its
 * length once. Snapshots stay plain data: `JSON.stringify`, spreading,
 * `structuredClone`, `Object.freeze` and Schema encoding all read the getter.
 *
 * A fold that forks (the same state folded twice) copies the prefix before
 * appending, so the fold stays pure and a snapshot handed out never changes.
 *
 * Not public API. (This comment carries no internal tag: it would strip
 * `AppendLog`, which `Snapshot.Accumulator`'s published type names.)
 */

/** A prefix of a shared backing array (opaque to users: part of `Snapshot.Accumulator`). */
export interface AppendLog<A> {
  readonly backing: Array<A>
  readonly length: number
}

/**
 * Appends `items` to a log (none: a new log), giving a new log; `self` still
 * means the same prefix.
 *
 * @internal
 */
export const append = <A>(self: AppendLog<A> | undefined, items: ReadonlyArray<A>): AppendLog<A> => {
  let backing: Array<A>
  if (self === undefined) backing = []
  else if (self.backing.length === self.length) backing = self.backing // the tip: extend in place
  else backing = self.backing.slice(0, self.length) // a fork: copy the prefix
  for (let i = 0; i < items.length; i++) backing.push(items[i])
  return { backing, length: backing.length }
}

/**
 * Gives a function that returns the log's prefix as a plain array, made on
 * the first call and the same array after.
 *
 * @internal
 */
export const materialize = <A>(log: AppendLog<A>): () => ReadonlyArray<A> => {
  let array: ReadonlyArray<A> | undefined
  // Frozen: the same array is the snapshot's field and a done event's
  // `values`; no reader can change what another was handed.
  return () => (array ??= Object.freeze(log.backing.slice(0, log.length)))
}

/**
 * Defines `target[key]` as a lazy, enumerable, read-only property.
 *
 * @internal
 */
export const defineLazy = (target: object, key: string, get: () => unknown): void => {
  Object.defineProperty(target, key, { get, enumerable: true, configurable: true })
}

/**
 * A shallow copy that keeps lazy properties lazy (a spread would read them)
 * and makes every property writable again (the source may have been frozen
 * by a consumer).
 *
 * @internal
 */
export const copyLazy = <T extends object>(source: T): { -readonly [K in keyof T]: T[K] } => {
  const out: Record<PropertyKey, unknown> = {}
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key)!
    if (descriptor.get !== undefined) {
      Object.defineProperty(out, key, { get: descriptor.get, enumerable: descriptor.enumerable === true, configurable: true })
    } else {
      Object.defineProperty(out, key, { value: descriptor.value, enumerable: descriptor.enumerable === true, writable: true, configurable: true })
    }
  }
  return out as { -readonly [K in keyof T]: T[K] }
}
