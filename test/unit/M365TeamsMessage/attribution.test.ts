import { DEFAULT_ATTRIBUTION_TEMPLATE, renderAttribution } from '../../../nodes/M365TeamsMessage/helpers/attribution';

describe('renderAttribution', () => {
	it('renders the default template with the sender name and platform before the text', () => {
		expect(renderAttribution(DEFAULT_ATTRIBUTION_TEMPLATE, { senderName: 'Ann Lee', platform: 'Slack', text: '<p>Hi</p>' })).toBe(
			'<b>Ann Lee</b> (Slack):<br/><p>Hi</p>',
		);
	});

	it('escapes sender name and platform but keeps the HTML text', () => {
		const html = renderAttribution('{senderName} via {platform}: {text}', {
			senderName: '<script>x</script>',
			platform: 'A&B',
			text: '<b>bold</b>',
		});
		expect(html).toBe('&lt;script&gt;x&lt;/script&gt; via A&amp;B: <b>bold</b>');
	});

	it('uses the default for an empty template and appends the text when the template lacks {text}', () => {
		expect(renderAttribution('  ', { senderName: 'A', platform: 'B', text: 'T' })).toBe('<b>A</b> (B):<br/>T');
		expect(renderAttribution('From {senderName}', { senderName: 'A', platform: 'B', text: 'T' })).toBe('From A<br/>T');
	});
});
