/**
 * Immutable lists kept in ascending order of an `index` (choices, tool
 * calls): find by index, and insert-or-replace giving a new list.
 *
 * @internal
 */

/** Removes `readonly` from a type's fields, for building a value in place before handing it out. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * The position of the item with `index`, or -1.
 *
 * @internal
 */
export const findIndexed = <A>(items: ReadonlyArray<A>, index: number, indexOf: (item: A) => number): number => {
  for (let i = 0; i < items.length; i++) if (indexOf(items[i]) === index) return i
  return -1
}

/**
 * A new list with `item` in place of the item with the same index, or
 * inserted where its index keeps the list ascending.
 *
 * @internal
 */
export const upsertIndexed = <A>(items: ReadonlyArray<A>, item: A, indexOf: (item: A) => number): ReadonlyArray<A> => {
  const index = indexOf(item)
  // The common case (one choice, one tool call): a literal, not a slice.
  if (items.length === 1 && indexOf(items[0]) === index) return [item]
  let position = items.length
  while (position > 0 && indexOf(items[position - 1]) > index) position--
  if (position > 0 && indexOf(items[position - 1]) === index) {
    const copy = items.slice()
    copy[position - 1] = item
    return copy
  }
  return [...items.slice(0, position), item, ...items.slice(position)]
}

/**
 * Sets `target[key]` as an own data property, also when `key` is
 * `"__proto__"` (an assignment would change the prototype instead).
 *
 * @internal
 */
export const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}
