// Three suites: unit (pure functions), integration (nodes run by n8n-core's engine against the emulator)
// and e2e (the packed package inside a real n8n process). `npm test` runs all three.
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform };

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
	// A hang detector, not a timing (testTimeout is global in jest): CI machines have 2 cores and run emulators,
	// n8n-core and sometimes n8n itself at once. No test asserts on time; the e2e suite sets longer limits itself.
	testTimeout: 240_000,
};
