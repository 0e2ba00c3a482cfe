import { assertCustomHostAllowed, isLoopbackHost, resolveHosts } from '../../../nodes/shared/auth/hostPolicy';

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

	it('accepts loopback hosts and normalises pasted URLs', () => {
		expect(resolveHosts({ useCustomHosts: true, loginHost: 'https://127.0.0.1:8443/', graphHost: 'LOCALHOST:9000' }, {})).toEqual({
			loginHost: '127.0.0.1:8443',
			graphHost: 'localhost:9000',
			custom: true,
		});
		expect(isLoopbackHost('[::1]:443')).toBe(true);
		expect(isLoopbackHost('127.10.0.3')).toBe(true);
		expect(isLoopbackHost('128.0.0.1')).toBe(false);
	});

	it('refuses a non-loopback custom host unless the administrator allows it', () => {
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

	it('refuses values that are not hosts', () => {
		expect(() => assertCustomHostAllowed('127.0.0.1/evil?x=', 'login host', {})).toThrow(/not a host name/);
		expect(() => assertCustomHostAllowed('user@127.0.0.1', 'login host', {})).toThrow(/not a host name/);
	});
});
