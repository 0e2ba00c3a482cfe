import { keywordsField, templatesField } from '../../../nodes/M365TeamsMessage/actions/conferencing/fields';
import { DEFAULT_KEYWORDS, DEFAULT_TEMPLATES } from '../../../nodes/M365TeamsMessage/helpers/conferencing';
import { M365TeamsMessage } from '../../../nodes/M365TeamsMessage/M365TeamsMessage.node';

describe('M365TeamsMessage description', () => {
	const node = new M365TeamsMessage();

	it('shows the same default texts and keywords as the conferencing helpers use', () => {
		const defaults = (field: typeof keywordsField) =>
			Object.fromEntries((field.options ?? []).map((option) => [(option as { name: string }).name, (option as { default: unknown }).default]));
		expect(defaults(keywordsField)).toEqual(DEFAULT_KEYWORDS);
		expect(defaults(templatesField)).toEqual(DEFAULT_TEMPLATES);
	});

	it('takes the integration account as required credential and the sender as optional one', () => {
		expect(node.description.credentials?.map((credential) => [credential.name, credential.required])).toEqual([
			['m365IntegrationAccountOAuth2Api', true],
			['m365UserOAuth2Api', false],
		]);
		expect(node.description.usableAsTool).toBe(true);
	});

	it('has an operation selector and operations for every resource', () => {
		const resources = node.description.properties.find((property) => property.name === 'resource');
		const operationsOf = (resource: string) =>
			node.description.properties
				.filter((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource))
				.flatMap((property) => (property.options ?? []).map((option) => (option as { value: string }).value));
		expect((resources?.options ?? []).map((option) => (option as { value: string }).value)).toEqual(['channelMessage', 'chat', 'chatMessage', 'conferencing']);
		expect(operationsOf('channelMessage')).toEqual(['edit', 'get', 'list', 'mirror', 'post', 'reply', 'softDelete']);
		expect(operationsOf('chatMessage')).toEqual(['edit', 'get', 'list', 'mirror', 'post', 'reply', 'softDelete']);
		expect(operationsOf('chat')).toEqual(['createGroup', 'findOrCreateOneOnOne']);
		expect(operationsOf('conferencing')).toEqual(['announce', 'interpretReply', 'invite']);
	});
});
