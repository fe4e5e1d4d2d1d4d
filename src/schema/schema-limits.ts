/**
 * The bounds every plugin-supplied JSON Schema (a `config_schema`, a content type's schema) is
 * held to, so validating against it on the host's thread takes bounded time and stack whatever
 * the plugin wrote. Each figure is generous for real schemas and data; past it the schema (or the
 * data) is refused with a typed error instead of freezing the host.
 */

/** Nesting of a schema document (objects and arrays inside each other). */
export const MAX_SCHEMA_DEPTH = 128;

/** Values in a schema document (a schema is written by hand; this also bounds its share of the work). */
export const MAX_SCHEMA_NODES = 100_000;

/**
 * Nesting of the data validated (a host config, content): deeper data is refused before
 * validation. One bound for all JSON the host and plugins exchange (plugin output too).
 */
export { MAX_JSON_DEPTH } from '../util/json-codec.ts';

/**
 * Schema evaluations (one per subschema applied to one value) in one validation; one with a
 * large `enum` or `const` counts once per 4 of its values (src/schema/schema-copy.ts).
 */
export const MAX_SCHEMA_STEPS = 250_000;

/** Instructions of one compiled pattern, after `{n,m}` repetitions are expanded (RE2 caps repetition at 1,000 too). */
export const MAX_REGEX_PROGRAM = 10_000;

/** Matcher steps (one per live state per character; ~40 ns each) over all patterns in one validation. */
export const MAX_REGEX_STEPS = 10_000_000;

/** `uniqueItems` compares every pair: an array's length × its size (in values) may not pass this. */
export const MAX_UNIQUE_ITEMS_WORK = 4_000_000;
