import { allowedHostPattern, assertCustomHostAllowed, resolveHosts } from '../../../nodes/shared/auth/hostPolicy';
import { loginBaseExpression, testBaseUrlExpression } from '../../../credentials/M365IntegrationAccountOAuth2Api.credentials';

describe('host policy', () => {
	it('uses the national cloud hosts when no custom hosts are set', () => {
		expect(resolveHosts({ cloud: 'usGovDod' })).toEqual({
			loginHost: 'login.microsoftonline.us',
			graphHost: 'dod-graph.microsoft.us',
			custom: false,
		});
		expect(resolveHosts({ cloud: 'china' }).graphHost).toBe('microsoftgraph.chinacloudapi.cn');
		expect(resolveHosts({}).graphHost).toBe('graph.microsoft.com');
	});

	it('ignores custom host fields unless the override is switched on', () => {
		expect(resolveHosts({ useCustomHosts: false, graphHost: 'evil.example.com' }).graphHost).toBe('graph.microsoft.com');
	});

	it('refuses loopback hosts unless the administrator lists them (they reach services on the n8n host)', () => {
		expect(() => resolveHosts({ useCustomHosts: true, graphHost: '127.0.0.1:8443' }, {})).toThrow(/"127\.0\.0\.1:8443" is not allowed.*M365_ALLOWED_CUSTOM_HOSTS/);
		expect(() => assertCustomHostAllowed('localhost:9000', 'login host', {})).toThrow(/not allowed/);
		expect(() => assertCustomHostAllowed('[::1]:443', 'login host', { M365_ALLOWED_CUSTOM_HOSTS: '127.0.0.1' })).toThrow(/not allowed/);
	});

	it('accepts listed hosts and normalises pasted URLs', () => {
		const env = { M365_ALLOWED_CUSTOM_HOSTS: '127.0.0.1, localhost:9000' };
		expect(resolveHosts({ useCustomHosts: true, loginHost: 'https://127.0.0.1:8443/', graphHost: 'LOCALHOST:9000' }, env)).toEqual({
			loginHost: '127.0.0.1:8443',
			graphHost: 'localhost:9000',
			custom: true,
		});
		expect(() => assertCustomHostAllowed('localhost:9001', 'Graph host', env)).toThrow(/not allowed/);
	});

	it('refuses any other custom host unless the administrator allows it', () => {
		expect(() => assertCustomHostAllowed('graph.example.com', 'Graph host', {})).toThrow(/M365_ALLOWED_CUSTOM_HOSTS/);
		expect(() => assertCustomHostAllowed('localhost.evil.com', 'Graph host', {})).toThrow(/not allowed/);
		expect(assertCustomHostAllowed('graph.example.com', 'Graph host', { M365_ALLOWED_CUSTOM_HOSTS: 'proxy.example.com, graph.example.com' })).toBe(
			'graph.example.com',
		);
		expect(assertCustomHostAllowed('graph.example.com:8443', 'Graph host', { M365_ALLOWED_CUSTOM_HOSTS: 'graph.example.com' })).toBe(
			'graph.example.com:8443',
		);
		expect(assertCustomHostAllowed('anything.example.com', 'Graph host', { M365_ALLOWED_CUSTOM_HOSTS: '*' })).toBe('anything.example.com');
	});

	it('gives the OAuth2 credentials\' expressions the same policy as a pattern', () => {
		const matches = (env: NodeJS.ProcessEnv, host: string) => new RegExp(`^(${allowedHostPattern(env)})$`).test(host);
		const env = { M365_ALLOWED_CUSTOM_HOSTS: '127.0.0.1, proxy.example.com:8443' };
		expect(matches(env, '127.0.0.1')).toBe(true);
		expect(matches(env, '127.0.0.1:5000')).toBe(true);
		expect(matches(env, '127.0.0.10')).toBe(false);
		expect(matches(env, '127.0.0.1.evil.com')).toBe(false);
		expect(matches(env, 'proxy.example.com:8443')).toBe(true);
		expect(matches(env, 'proxy.example.com')).toBe(false);
		expect(matches({}, '127.0.0.1')).toBe(false);
		expect(matches({ M365_ALLOWED_CUSTOM_HOSTS: '*' }, 'anything.example.com:1')).toBe(true);
		expect(loginBaseExpression({})).toContain('(?!)');
		expect(testBaseUrlExpression({})).toContain('.invalid');
	});

	it('refuses values that are not hosts', () => {
		expect(() => assertCustomHostAllowed('127.0.0.1/evil?x=', 'login host', {})).toThrow(/not a host name/);
		expect(() => assertCustomHostAllowed('user@127.0.0.1', 'login host', {})).toThrow(/not a host name/);
	});
});
