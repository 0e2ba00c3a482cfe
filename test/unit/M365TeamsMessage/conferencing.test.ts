import {
	classifyReply,
	DEFAULT_KEYWORDS,
	DEFAULT_TEMPLATES,
	renderConferencingText,
} from '../../../nodes/M365TeamsMessage/helpers/conferencing';

describe('conferencing texts', () => {
	it('renders the contact-centre defaults', () => {
		expect(renderConferencingText(DEFAULT_TEMPLATES.invitation, {})).toBe(
			'You are invited to customer chat session, would you like to accept (YES/NO)?',
		);
		expect(renderConferencingText(DEFAULT_TEMPLATES.partyJoined, { name: 'Ann' })).toBe('Ann joined the session');
		expect(renderConferencingText(DEFAULT_TEMPLATES.partyLeft, { name: 'Ann' })).toBe('Ann left the session');
		expect(renderConferencingText(DEFAULT_TEMPLATES.sessionEnded, {})).toBe('Customer chat session ended');
	});

	it('shows changed keywords in the invitation and keeps unknown placeholders', () => {
		expect(renderConferencingText(DEFAULT_TEMPLATES.invitation, {}, { positive: 'JA', negative: 'NEIN', leave: 'TSCHUESS' })).toBe(
			'You are invited to customer chat session, would you like to accept (JA/NEIN)?',
		);
		expect(renderConferencingText('{inviterName} invites you to {sessionName} {other}', { inviterName: 'Bo', sessionName: 'S1' })).toBe(
			'Bo invites you to S1 {other}',
		);
	});
});

describe('classifyReply', () => {
	it.each([
		['YES', 'positive'],
		['  yes ', 'positive'],
		['<p>Yes</p>', 'positive'],
		['<p>yes.</p>', 'positive'],
		['no', 'negative'],
		['<div><b>No</b>!</div>', 'negative'],
		['Bye', 'leave'],
		['&nbsp;BYE&nbsp;', 'leave'],
		['yes please', 'text'],
		['<p>Hello, can you help?</p>', 'text'],
	])('%j is %s', (input, kind) => {
		expect(classifyReply(input).kind).toBe(kind);
	});

	it('relays ordinary text as plain text and ends the session on the leave keyword', () => {
		expect(classifyReply('<p>Hello <b>there</b></p>')).toEqual({ kind: 'text', text: 'Hello there', relay: true, endsSession: false });
		expect(classifyReply('BYE')).toEqual({ kind: 'leave', text: 'BYE', relay: false, endsSession: true });
		expect(classifyReply('<p> </p>').relay).toBe(false);
	});

	it('uses configured keywords', () => {
		const keywords = { positive: 'Ja', negative: 'Nein', leave: 'Ende' };
		expect(classifyReply('JA', keywords).kind).toBe('positive');
		expect(classifyReply('yes', keywords).kind).toBe('text');
		expect(classifyReply('ende', keywords).kind).toBe('leave');
		expect(DEFAULT_KEYWORDS).toEqual({ positive: 'YES', negative: 'NO', leave: 'BYE' });
	});
});
