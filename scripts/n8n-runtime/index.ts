// The real-n8n runtime for e2e tests, the demo and the benchmarks: install, pack, start, drive.
export { ensureN8n, installFailureAdvice, type N8nRuntime } from './install';
export { step, progress, setProgressSink, formatElapsed, type ProgressSink } from './progress';
export { ensureDebianPackage } from './debianPackage';
export { packPackage, REPO_ROOT } from './pack';
export {
	startN8n,
	restartN8n,
	parseLogEntries,
	PACKAGE_NAME,
	type N8nInstance,
	type N8nLogEntry,
	type StartN8nOptions,
} from './instance';
export { signInAsOwner, N8nRestClient, N8nRestError, DEFAULT_OWNER, type OwnerAccount } from './rest';
export {
	importCredentials,
	importWorkflow,
	executeWorkflow,
	n8nCli,
	WorkflowExecutionFailed,
	type CredentialImport,
	type WorkflowImport,
} from './cli';
export {
	createCredential,
	createWorkflow,
	getWorkflow,
	activateWorkflow,
	deactivateWorkflow,
	runWorkflowManually,
	listExecutions,
	getExecution,
	waitForExecutions,
	waitForExecution,
	nodeOutput,
	type StoredWorkflow,
	type Execution,
	type ExecutionSummary,
} from './workflows';
export {
	getAuthorizeUrl,
	isOAuth2Connected,
	connectOAuth2OverHttp,
	type SignInAccount,
} from './oauth';
export {
	ensureChromium,
	launchChromium,
	signInBrowser,
	connectOAuth2InBrowser,
	CHROMIUM_PATH,
	type BrowserSession,
} from './chromium';
export { freePort } from './ports';
export { eventually } from './wait';
export {
	tenantAppCredentialData,
	integrationAccountCredentialData,
	oauthCallbackUrl,
	TENANT_APP_CREDENTIAL_TYPE,
	INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
	type EmulatorTenant,
} from './emulatorCredentials';
export {
	startEmulatorProcess,
	registerRedirectUri,
	emulatorRequest,
	EmulatorHttpError,
	emulatorCliExists,
	EMULATOR_CLI,
	type EmulatorInfo,
	type EmulatorProcess,
} from './emulatorProcess';
export { importExamples, exampleFiles, isAutomaticTrigger, EXAMPLES_DIR, type ImportedExample, type ImportExamplesOptions } from './examples';
export { startRedis, ensureRedis, type RedisServer } from './redis';
export { spawnManaged, type ManagedProcess } from './process';
export { callProductionWebhook } from './webhooks';
export { createEmulatorCredentials, type EmulatorCredentials, type CredentialReference } from './emulatorSetup';
export { startTlsFront, type TlsFront } from './tlsFront';
export { createDataTable, createBridgeTable, dataTableRows, BRIDGE_TABLE_NAME, type DataTable, type DataTableRow } from './dataTables';
