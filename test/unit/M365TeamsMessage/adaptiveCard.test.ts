import { adaptiveCardAttachment, parseAdaptiveCard } from '../../../nodes/M365TeamsMessage/helpers/adaptiveCard';

describe('adaptive card', () => {
	const card = { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'Hi' }] };

	it('parses a card given as JSON text or object', () => {
		expect(parseAdaptiveCard(JSON.stringify(card))).toEqual({ card });
		expect(parseAdaptiveCard(card)).toEqual({ card });
	});

	it('explains what is wrong with a bad card', () => {
		expect(parseAdaptiveCard('{oops')).toEqual({ error: expect.stringContaining('not valid JSON') });
		expect(parseAdaptiveCard('')).toEqual({ error: 'The Adaptive Card is empty' });
		expect(parseAdaptiveCard('[1]')).toEqual({ error: 'The Adaptive Card must be a JSON object' });
		expect(parseAdaptiveCard({ type: 'Message' })).toEqual({ error: expect.stringContaining('"type": "AdaptiveCard"') });
	});

	it('builds the attachment and the body tag with the same stable id', () => {
		const first = adaptiveCardAttachment(card);
		expect(first.attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
		expect(JSON.parse(first.attachment.content as string)).toEqual(card);
		expect(first.bodyTag).toBe(`<attachment id="${first.attachment.id}"></attachment>`);
		expect(adaptiveCardAttachment(card).attachment.id).toBe(first.attachment.id);
	});
});
