import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

// The non-cloud config: this package needs runtime dependencies (@azure/msal-node mints app-only tokens,
// @microsoft/microsoft-graph-client carries the Graph middleware chain), which n8n Cloud does not allow,
// so the rule that forbids them is the one rule switched off.
// Tests, benchmarks and scripts are type-checked (npm run typecheck) but are not node code.
export default [
	globalIgnores([
		'dist/**',
		'node_modules/**',
		'test/**',
		'bench/**',
		'scripts/**',
		'examples/**',
		'index.js',
		'gulpfile.js',
		'jest.config.js',
		'.prettierrc.js',
	]),
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
