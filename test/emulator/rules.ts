// Microsoft's tenant rules that the emulator applies beyond Graph's happy path (polling policy, protected APIs,
// metered APIs, ...): each one a named switch, on by default where Microsoft applies it by default. Areas define
// their rules where they enforce them; tests and the control API (`/_emulator/rules`) turn them on or off, or
// change their settings. `docs/graph-conformance.md` links each rule to Microsoft's documentation.

export type RuleValue = boolean | number | string | Record<string, unknown>;

export interface RuleDefinition<T extends RuleValue = RuleValue> {
	name: string;
	/** The value Microsoft applies by default (`true` for an on/off rule Microsoft enforces). */
	defaultValue: T;
	/** One line for `GET /_emulator/rules`. */
	description: string;
}

export interface RulesControl {
	/** Registers a rule (idempotent: a second definition of the same name keeps the first). */
	define<T extends RuleValue>(definition: RuleDefinition<T>): void;
	/** The rule's current value; throws for an unknown rule (a typo must not silently read `undefined`). */
	get<T extends RuleValue = boolean>(name: string): T;
	enabled(name: string): boolean;
	/** Sets rules by name; unknown names throw. */
	set(values: Record<string, RuleValue>): void;
	/** Every rule back to its default. */
	reset(): void;
	/** name -> { value, defaultValue, description } */
	list(): Record<string, { value: RuleValue; defaultValue: RuleValue; description: string }>;
}

export function createRules(): RulesControl {
	const definitions = new Map<string, RuleDefinition>();
	const values = new Map<string, RuleValue>();
	const known = (name: string): RuleDefinition => {
		const definition = definitions.get(name);
		if (!definition) throw new Error(`Unknown emulator rule "${name}" (known: ${[...definitions.keys()].join(', ')})`);
		return definition;
	};
	return {
		define(definition) {
			if (definitions.has(definition.name)) return;
			definitions.set(definition.name, definition);
		},
		get<T extends RuleValue = boolean>(name: string): T {
			const definition = known(name);
			return (values.has(name) ? values.get(name) : definition.defaultValue) as T;
		},
		enabled(name) {
			return this.get<RuleValue>(name) !== false;
		},
		set(patch) {
			for (const name of Object.keys(patch)) known(name);
			for (const [name, value] of Object.entries(patch)) values.set(name, value);
		},
		reset() {
			values.clear();
		},
		list() {
			const result: ReturnType<RulesControl['list']> = {};
			for (const [name, definition] of definitions) {
				result[name] = { value: this.get<RuleValue>(name), defaultValue: definition.defaultValue, description: definition.description };
			}
			return result;
		},
	};
}
