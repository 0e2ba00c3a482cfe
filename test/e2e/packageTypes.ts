// What package.json's "n8n" section says the package ships, as the type names n8n will know them by:
// file M365Foo.node.js -> node type `n8n-nodes-m365-integration.m365Foo`, M365FooApi.credentials.js -> `m365FooApi`.
import * as fs from 'fs';
import * as path from 'path';

import { PACKAGE_NAME, REPO_ROOT } from '../../scripts/n8n-runtime';

interface PackageJson {
	n8n: { credentials: string[]; nodes: string[] };
}

function typeName(distPath: string, suffix: string): string {
	const className = path.basename(distPath, suffix);
	return className.charAt(0).toLowerCase() + className.slice(1);
}

export function declaredTypes(): { credentials: string[]; nodes: string[] } {
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
	return {
		credentials: manifest.n8n.credentials.map((file) => typeName(file, '.credentials.js')).sort(),
		nodes: manifest.n8n.nodes.map((file) => `${PACKAGE_NAME}.${typeName(file, '.node.js')}`).sort(),
	};
}
