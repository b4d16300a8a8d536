/**
 * Reading optional configuration variables.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

/** The messages of a config error, leaves first to last, without repeats. */
const messagesOf = (error: ConfigError.ConfigError): Array<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...new Set([...messagesOf(error.left), ...messagesOf(error.right)])]
    default:
      return [error.message]
  }
}

/**
 * Effect's parse messages made readable: `Expected an integer value but
 * received "abc"` → `expected an integer, got "abc"`; a boolean lists the
 * values accepted.
 */
const readable = (message: string): string => {
  const match = /^Expected (.+?)(?: value)? but received (.*)$/s.exec(message)
  if (match === null) return message
  const [, what, got] = match
  const accepted = what === "a boolean" ? " (true, false, yes, no, on, off, 1 or 0)" : ""
  return `expected ${what}${accepted}, got ${got}`
}

/**
 * An optional variable read with `config`; set but blank counts as unset.
 * Blank is checked first (`Config.integer` reads "" as 0), and a value that
 * is not blank must be one `config` accepts. A value it rejects fails with
 * one `InvalidData` whose message names the variable and says what was
 * expected (`CHAT_STREAM_MAX_EVENT_BYTES: expected an integer, got "abc"`).
 *
 * @internal
 */
export const optionalVariable = <A>(
  name: string,
  config: (name: string) => Config.Config<A>
): Config.Config<A | undefined> =>
  Config.string(name).pipe(
    Config.option,
    Config.mapOrFail((text): Either.Either<A | undefined, ConfigError.ConfigError> => {
      if (text._tag === "None" || text.value.trim() === "") return Either.right(undefined)
      // The text is parsed by `config` itself, from a provider holding this one variable.
      const parsed = Effect.runSync(Effect.either(
        ConfigProvider.fromMap(new Map([[name, text.value]])).load(config(name))
      ))
      return Either.mapLeft(parsed, (error) => {
        const message = messagesOf(error).map(readable).join("; ")
        return ConfigError.InvalidData([name], message.startsWith(name) ? message : `${name}: ${message}`)
      })
    })
  )

/**
 * The options without the keys given as `undefined`, which mean "the
 * default": spread over defaults, they leave the defaults in place.
 *
 * @internal
 */
export const definedOnly = <A extends object>(options: A): A =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as A
