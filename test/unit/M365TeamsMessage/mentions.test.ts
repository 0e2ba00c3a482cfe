import { applyMentions, mentionPlaceholders } from '../../../nodes/M365TeamsMessage/helpers/mentions';

const jane = { reference: 'jane@contoso.com', id: 'jane-id', displayName: 'Jane Doe' };
const bob = { reference: 'bob-id', id: 'bob-id', displayName: 'Bob <B>' };

describe('mentions', () => {
	it('lists placeholders once, in order', () => {
		expect(mentionPlaceholders('Hi @[jane@contoso.com] and @[bob-id], @[JANE@contoso.com]')).toEqual(['jane@contoso.com', 'bob-id']);
	});

	it('replaces placeholders with <at> tags and numbers the mentions', () => {
		const result = applyMentions('Hi @[jane@contoso.com] and @[bob-id]', [jane, bob]);
		expect(result.content).toBe('Hi <at id="0">Jane Doe</at> and <at id="1">Bob &lt;B&gt;</at>');
		expect(result.mentions).toEqual([
			{ id: 0, mentionText: 'Jane Doe', mentioned: { user: { id: 'jane-id', displayName: 'Jane Doe', userIdentityType: 'aadUser' } } },
			{ id: 1, mentionText: 'Bob <B>', mentioned: { user: { id: 'bob-id', displayName: 'Bob <B>', userIdentityType: 'aadUser' } } },
		]);
	});

	it('puts mentions not placed in the text before it, and mentions a repeated user each time', () => {
		const result = applyMentions('<p>Hello @[bob-id] @[bob-id]</p>', [jane, bob]);
		expect(result.content).toBe('<at id="2">Jane Doe</at> <p>Hello <at id="0">Bob &lt;B&gt;</at> <at id="1">Bob &lt;B&gt;</at></p>');
		expect(result.mentions.map((mention) => mention.id)).toEqual([0, 1, 2]);
	});
});
