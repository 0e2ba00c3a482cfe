// The packed package inside a real n8n: n8n's own loader accepts it without errors or warnings, and every
// node and credential that package.json lists is known to n8n, with its icon served. Data-driven from
// package.json, so nodes are covered as they are added.
import {
	ensureN8n,
	createWorkflow,
	getWorkflow,
	packPackage,
	PACKAGE_NAME,
	restartN8n,
	signInAsOwner,
	startN8n,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { declaredTypes } from './packageTypes';

// A cold machine installs Node 24 and n8n first (minutes); later runs take seconds.
const INSTALL_AND_START_MS = 30 * 60_000;

interface NodeTypeDescription {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
}

interface CredentialTypeDescription {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
}

function iconUrls(iconUrl: NodeTypeDescription['iconUrl']): string[] {
	if (!iconUrl) return [];
	return typeof iconUrl === 'string' ? [iconUrl] : [iconUrl.light, iconUrl.dark];
}

describe('the packed package in a real n8n', () => {
	const declared = declaredTypes();
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;

	beforeAll(async () => {
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
	}, 60_000);

	it('is loaded without any error or warning about it in n8n log', () => {
		const ourNames = [PACKAGE_NAME, ...declared.credentials, ...declared.nodes.map((name) => name.split('.')[1])];
		// n8n itself is installed under a folder named after this package: its own stack traces say nothing about us.
		const n8nInstallDir = instance!.runtime.cacheDir;
		const complaints = instance!
			.logEntries()
			.filter((entry) => entry.level === 'warn' || entry.level === 'error')
			.filter((entry) => {
				const text = JSON.stringify(entry).split(n8nInstallDir).join('<n8n>');
				return (
					ourNames.some((name) => text.includes(name)) ||
					/Skipping package|Failed to load package|Unrecognized (node|credential)/i.test(text)
				);
			});
		expect(complaints).toEqual([]);
	});

	it('knows every credential type the package declares', async () => {
		const known = await client.getTypes<CredentialTypeDescription[]>('credentials.json');
		const knownNames = new Set(known.map((type) => type.name));
		expect(declared.credentials.filter((name) => !knownNames.has(name))).toEqual([]);
		expect(declared.credentials.length).toBeGreaterThan(0);
	});

	it('knows every node type the package declares, and no other', async () => {
		const known = await client.getTypes<NodeTypeDescription[]>('nodes.json');
		const ours = new Set(known.map((type) => type.name).filter((name) => name.startsWith(`${PACKAGE_NAME}.`)));
		expect(declared.nodes.filter((name) => !ours.has(name))).toEqual([]);
		// n8n adds an AI-agent tool variant (`<name>Tool`) of every node marked usableAsTool.
		const undeclared = [...ours].filter((name) => !declared.nodes.includes(name.replace(/Tool$/, '')));
		expect(undeclared).toEqual([]);
	});

	it('serves the icon of every node and credential of the package', async () => {
		const nodes = (await client.getTypes<NodeTypeDescription[]>('nodes.json')).filter((type) =>
			type.name.startsWith(`${PACKAGE_NAME}.`),
		);
		const credentials = (await client.getTypes<CredentialTypeDescription[]>('credentials.json')).filter((type) =>
			declared.credentials.includes(type.name),
		);
		const withoutIcon = [...nodes, ...credentials].filter((type) => iconUrls(type.iconUrl).length === 0);
		expect(withoutIcon.map((type) => type.name)).toEqual([]);
		const urls = [...nodes, ...credentials].flatMap((type) => iconUrls(type.iconUrl));
		const broken: string[] = [];
		for (const url of new Set(urls)) {
			const response = await fetch(`${instance!.baseUrl}/${url}`);
			const contentType = response.headers.get('content-type') ?? '';
			const body = await response.text();
			const isImage = contentType.startsWith('image/') || body.includes('<svg');
			if (!response.ok || !isImage) broken.push(`${url} -> ${response.status} ${contentType}`);
		}
		expect(broken).toEqual([]);
	});

	it('comes back after a restart on the same user folder with its owner and the package', async () => {
		const workflow = await createWorkflow(client, {
			name: 'Survives a restart',
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			],
			connections: {},
		});
		instance = await restartN8n(instance!);
		const again = await signInAsOwner(instance);
		expect((await getWorkflow(again, workflow.id)).name).toBe('Survives a restart');
		const known = await again.getTypes<NodeTypeDescription[]>('nodes.json');
		expect(declared.nodes.filter((name) => !known.some((type) => type.name === name))).toEqual([]);
	}, 300_000);
});
