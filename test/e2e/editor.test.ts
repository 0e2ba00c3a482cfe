// The package as an n8n user meets it in the editor (headless Chromium): every node is found by its name in
// the node panel's search, and a workflow holding every node renders on the canvas. The screenshot of that
// canvas is kept as a test artefact (test/artifacts/e2e/editor-with-package-nodes.png).
import * as fs from 'fs';
import * as path from 'path';

import {
	createWorkflow,
	ensureN8n,
	launchChromium,
	packPackage,
	REPO_ROOT,
	signInAsOwner,
	signInBrowser,
	startN8n,
	type BrowserSession,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { declaredTypes } from './packageTypes';

const INSTALL_AND_START_MS = 30 * 60_000;
const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts', 'e2e');

interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function latestVersion(version: number | number[]): number {
	return Array.isArray(version) ? Math.max(...version) : version;
}

describe('the package in the n8n editor', () => {
	const declared = declaredTypes();
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let browser: BrowserSession | undefined;
	let nodeTypes: NodeTypeDescription[];

	beforeAll(async () => {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
		const known = await client.getTypes<NodeTypeDescription[]>('nodes.json');
		nodeTypes = declared.nodes.map((name) => known.find((type) => type.name === name)!).filter(Boolean);
		browser = await launchChromium();
		await signInBrowser(browser, client);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	}, 60_000);

	it("finds every node of the package by its name in the node panel's search", async () => {
		expect(nodeTypes).toHaveLength(declared.nodes.length);
		const workflow = await createWorkflow(client, { name: 'Empty', nodes: [], connections: {} });
		const { page } = browser!;
		await page.goto(`${instance!.baseUrl}/workflow/${workflow.id}`);
		await page.locator('[data-test-id="canvas-plus-button"]').click();
		const search = page.locator('input[data-test-id="node-creator-search-bar"], [data-test-id="node-creator-search-bar"] input');
		const notFound: string[] = [];
		const itemNames = page.locator('[data-test-id="node-creator-item-name"]');
		for (const type of nodeTypes) {
			// The panel lists a trigger without its " Trigger" suffix ("Microsoft 365 Trigger" as "Microsoft 365").
			const listedAs = [type.displayName, type.displayName.replace(/ Trigger$/, '')];
			await search.fill(type.displayName);
			const exactly = new RegExp(`^\\s*(${listedAs.map(escapeRegExp).join('|')})\\s*$`);
			try {
				await itemNames.filter({ hasText: exactly }).first().waitFor({ state: 'visible', timeout: 60_000 });
			} catch {
				const listed = (await itemNames.allInnerTexts()).map((name) => name.trim()).join(', ');
				notFound.push(`${type.displayName} (listed: ${listed})`);
				await page.screenshot({ path: path.join(ARTIFACTS, `node-search-${type.name.split('.')[1]}.png`) });
			}
		}
		expect(notFound).toEqual([]);
	}, 300_000);

	it('shows a workflow with every node of the package on the canvas', async () => {
		const nodes = nodeTypes.map((type, index) => ({
			id: `node-${index}`,
			name: type.displayName,
			type: type.name,
			typeVersion: latestVersion(type.version),
			position: [(index % 4) * 280, Math.floor(index / 4) * 220],
			parameters: {},
		}));
		const workflow = await createWorkflow(client, {
			name: 'Every node of n8n-nodes-m365-integration',
			nodes,
			connections: {},
		});
		const { page } = browser!;
		await page.goto(`${instance!.baseUrl}/workflow/${workflow.id}`);
		const canvasNodes = page.locator('[data-test-id="canvas-node"]');
		await canvasNodes.nth(nodes.length - 1).waitFor({ state: 'visible', timeout: 60_000 });
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await page.screenshot({ path: path.join(ARTIFACTS, 'editor-with-package-nodes.png') });
		const names = await canvasNodes.allInnerTexts();
		for (const node of nodes) expect(names.some((text) => text.includes(node.name))).toBe(true);
		expect(await canvasNodes.count()).toBe(nodes.length);
	}, 300_000);
});
