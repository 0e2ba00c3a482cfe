// Runs this package's nodes through n8n's real execution engine (n8n-core) in tests. See README.md here.
import './environment';

export { runNode, type RunNodeOptions, type RunNodeResult } from './runNode';
export { credentialTypes, registerCredentialTypes } from './credentialTypes';
export {
	runPoll,
	activatePoller,
	type RunPollOptions,
	type RunPollResult,
	type ActivePoller,
	type ActivePollerOptions,
	type PollOutcome,
} from './runPoll';
export {
	activateWebhookTrigger,
	type ActivateWebhookTriggerOptions,
	type ActiveWebhookTrigger,
	type WebhookCall,
} from './webhookTrigger';
export {
	runListSearch,
	runLoadOptions,
	type ListSearchCallOptions,
	type LoadOptionsCallOptions,
} from './loadOptions';
export {
	callCredentialTestFunction,
	testCredential,
	OAUTH2_CREDENTIAL_TEST_FAILED,
	OAUTH2_CREDENTIAL_TEST_SUCCEEDED,
	type CallCredentialTestFunctionOptions,
	type TestCredentialOptions,
} from './credentialTest';
