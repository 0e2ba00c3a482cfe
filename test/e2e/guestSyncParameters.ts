// The Guest Sync node's sync of the items' `email` and `displayName` into one source, as the e2e tests' workflows
// set it up; `extra` adds the options a test needs (removal, invitation, attributes).
export function guestSyncParameters(sourceName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		resource: 'guest',
		operation: 'sync',
		sourceName,
		email: '={{ $json.email }}',
		displayName: '={{ $json.displayName }}',
		...extra,
	};
}
