import { config } from '@n8n/node-cli/eslint';

// n8n's own community-node configuration (the rules n8n's scanner applies) for everything that ships.
// Tests, their harness, benchmarks and the sandbox never ship: they may use process, timers and the file system.
export default [
	...config,
	{ ignores: ['dist/**', 'node_modules/**', '.e2e/**', 'coverage/**', 'gulpfile.js', 'jest.config.js'] },
	{
		files: ['test/**/*.ts', 'harness/**/*.ts', 'bench/**/*.ts', 'sandbox/**/*.ts', 'scripts/**/*.ts', 'examples/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'no-console': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
];
