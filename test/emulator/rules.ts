// Microsoft's tenant rules that the emulator applies beyond Graph's happy path (throttling limits, replication delay,
// polling policy, protected APIs, metered APIs, ...): each one a named switch, on by default where Microsoft applies
// it by default. This is the emulator's only mechanism for them: the code that enforces a rule defines it; tests
// turn rules on or off, or change their settings, through `emulator.rules`, `startEmulator({ rules })` or the control
// API (`GET`/`POST /_emulator/rules`). `docs/graph-conformance.md` links each rule to Microsoft's documentation.

export type RuleValue = boolean | number | string | Record<string, unknown>;

export interface RuleDefinition<T extends RuleValue = RuleValue> {
	name: string;
	/** The value Microsoft applies by default (`true` for an on/off rule Microsoft enforces). */
	defaultValue: T;
	/** One line for `GET /_emulator/rules`. */
	description: string;
	/** Why a value is not acceptable for this rule (undefined: acceptable). Without it, any value is taken. */
	invalid?: (value: RuleValue) => string | undefined;
}

/** For on/off rules: only `true` or `false`. */
export const onOff = (value: RuleValue): string | undefined => (typeof value === 'boolean' ? undefined : 'takes true or false');

export interface RulesControl {
	/** Registers a rule (idempotent: a second definition of the same name keeps the first). */
	define<T extends RuleValue>(definition: RuleDefinition<T>): void;
	/** The rule's current value; throws for an unknown rule (a typo must not silently read `undefined`). */
	get<T extends RuleValue = boolean>(name: string): T;
	enabled(name: string): boolean;
	/** Sets rules by name; an unknown name or a value the rule does not take throws, and then nothing is set. */
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
			for (const [name, value] of Object.entries(patch)) {
				const reason = known(name).invalid?.(value);
				if (reason) throw new Error(`Emulator rule "${name}" ${reason} (got ${JSON.stringify(value)})`);
			}
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
