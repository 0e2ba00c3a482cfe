import {
	cleanDisplayText,
	DEFAULT_ATTRIBUTION_TEMPLATE,
	MAX_SENDER_NAME_LENGTH,
	renderAttribution,
} from '../../../nodes/M365TeamsMessage/helpers/attribution';

describe('renderAttribution', () => {
	it('renders the default template: the sender, marked as outside the organisation, and the platform before the text', () => {
		expect(renderAttribution(DEFAULT_ATTRIBUTION_TEMPLATE, { senderName: 'Ann Lee', platform: 'Slack', text: '<p>Hi</p>' })).toBe(
			'<b>Ann Lee</b> (external, via Slack):<br/><p>Hi</p>',
		);
	});

	it('escapes sender name and platform but keeps the HTML text', () => {
		const html = renderAttribution('{senderName} via {platform}: {text}', {
			senderName: '<script>x</script><at id="0">Megan</at>',
			platform: 'A&B',
			text: '<b>bold</b>',
		});
		expect(html).toBe('&lt;script&gt;x&lt;/script&gt;&lt;at id=&quot;0&quot;&gt;Megan&lt;/at&gt; via A&amp;B: <b>bold</b>');
	});

	it('keeps emoji and scripts of every language', () => {
		expect(renderAttribution('{senderName}', { senderName: '李小龙 👩🏽‍💻 Zoë', platform: '', text: '' })).toBe('李小龙 👩🏽‍💻 Zoë<br/>');
	});

	it('uses the default for an empty template and appends the text when the template lacks {text}', () => {
		expect(renderAttribution('  ', { senderName: 'A', platform: 'B', text: 'T' })).toBe('<b>A</b> (external, via B):<br/>T');
		expect(renderAttribution('From {senderName}', { senderName: 'A', platform: 'B', text: 'T' })).toBe('From A<br/>T');
	});

	it('says "Unknown sender" when nothing visible is left of the name, and "another app" without a platform', () => {
		expect(renderAttribution(DEFAULT_ATTRIBUTION_TEMPLATE, { senderName: '\u202E\u200B\u0007', platform: ' ', text: 'T' })).toBe(
			'<b>Unknown sender</b> (external, via another app):<br/>T',
		);
	});
});

describe('cleanDisplayText', () => {
	it('removes bidirectional overrides, embeddings, isolates and marks, so a name cannot reverse what follows', () => {
		expect(cleanDisplayText('IT Support\u202E\u2066 (Admin)\u2069\u202C\u200F\u061C', 64)).toBe('IT Support (Admin)');
		expect(cleanDisplayText('\u202Etnemyap', 64)).toBe('tnemyap');
	});

	it('removes control and invisible characters and puts the name on one line', () => {
		expect(cleanDisplayText('Kim\u0000\u0008\u001B[31m\u007F\u0085 A\u200Bbercrombie\uFEFF\u00AD', 64)).toBe('Kim[31m Abercrombie');
		expect(cleanDisplayText('Kim\r\n\tAbercrombie\u2028CEO', 64)).toBe('Kim Abercrombie CEO');
		expect(cleanDisplayText('\u3164\u115F', 64)).toBe('');
	});

	it('caps the length in user-perceived characters, never splitting one', () => {
		const long = 'A'.repeat(200);
		expect(cleanDisplayText(long, MAX_SENDER_NAME_LENGTH)).toBe(`${'A'.repeat(MAX_SENDER_NAME_LENGTH - 1)}…`);
		const family = '👨‍👩‍👧‍👦'.repeat(10);
		expect(cleanDisplayText(family, 5)).toBe(`${'👨‍👩‍👧‍👦'.repeat(4)}…`);
		expect(cleanDisplayText('Ann Lee', 64)).toBe('Ann Lee');
	});
});
