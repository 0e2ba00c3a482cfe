// Three suites: unit (pure functions), integration (nodes run by n8n-core's engine against the emulator)
// and e2e (the packed package inside a real n8n process). `npm test` runs all three.
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform };

module.exports = {
	projects: [
		// Generous per-test limits: they are hang detectors, not timings (CI machines have 2 cores and run the
		// emulator, n8n-core and sometimes n8n itself at once). No test asserts on time.
		{ ...common, displayName: 'unit', testTimeout: 30_000, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'integration', testTimeout: 240_000, testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testTimeout: 1_800_000, testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
};
