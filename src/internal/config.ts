/**
 * Reading optional configuration variables.
 *
 * @internal
 */
import { Config, Option } from "effect"

/**
 * An optional variable read with `config`; set but blank counts as unset.
 * Blank is checked first (`Config.integer` reads "" as 0), and a value that
 * is not blank must be one `config` accepts.
 *
 * @internal
 */
export const optionalVariable = <A>(
  name: string,
  config: (name: string) => Config.Config<A>
): Config.Config<A | undefined> =>
  Config.string(name).pipe(
    Config.validate({ message: "Expected nothing (blank counts as unset)", validation: (text) => text.trim() === "" }),
    Config.map(() => Option.none<A>()),
    Config.orElse(() => Config.option(config(name))),
    Config.map(Option.getOrUndefined)
  )
