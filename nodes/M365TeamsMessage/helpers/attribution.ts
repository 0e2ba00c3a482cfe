/**
 * The attribution line the integration account adds when it posts for someone else, so readers see who wrote.
 */
import { escapeHtml } from './html';

export const DEFAULT_ATTRIBUTION_TEMPLATE = '<b>{senderName}</b> ({platform}):<br/>{text}';

export interface AttributionValues {
	senderName: string;
	platform: string;
	/** Message content, already HTML. */
	text: string;
}

/**
 * Fills {senderName}, {platform} and {text}. Sender name and platform come from user data and are escaped;
 * the text is the already-built HTML body. A template without {text} still gets the text appended, so a
 * template typo never loses the message.
 */
export function renderAttribution(template: string, values: AttributionValues): string {
	const chosen = template.trim() === '' ? DEFAULT_ATTRIBUTION_TEMPLATE : template;
	const hasText = chosen.includes('{text}');
	const filled = chosen.replace(/\{(senderName|platform|text)\}/g, (_match, key: string) => {
		if (key === 'text') return values.text;
		const raw = key === 'senderName' ? values.senderName : values.platform;
		return escapeHtml(raw);
	});
	return hasText ? filled : `${filled}<br/>${values.text}`;
}
