/** Small HTML text helpers shared by the converters. */

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

export function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, entity: string) => {
		if (entity[0] === '#') {
			const code =
				entity[1] === 'x' || entity[1] === 'X'
					? parseInt(entity.slice(2), 16)
					: parseInt(entity.slice(1), 10);
			return Number.isFinite(code) ? String.fromCodePoint(code) : match;
		}
		return NAMED_ENTITIES[entity.toLowerCase()] ?? match;
	});
}

/** Plain text of an HTML fragment: tags removed, block ends as spaces, entities decoded, whitespace collapsed. */
export function htmlToPlainText(html: string): string {
	const withoutInvisible = html
		.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/<br\s*\/?>/gi, ' ')
		.replace(/<\/(p|div|li|h[1-6]|blockquote|pre|tr)\s*>/gi, ' ')
		.replace(/<[^>]*>/g, '');
	return decodeEntities(withoutInvisible)
		.replace(/[\u200B-\u200D\u2060-\u2064\uFEFF]/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Text given as plain text becomes HTML that shows it the same way (escaped, line breaks kept). */
export function plainTextToHtml(text: string): string {
	return escapeHtml(text).replace(/\r?\n/g, '<br/>');
}
