/**
 * What identifies one post of one item, so that it never goes out twice.
 *
 * `postKey` is derived from the execution id, the node, the item index, the target and the content: the same item
 * posted again in the same execution (n8n's Retry On Fail) has the same key, another item or execution another one.
 * The key stays in this process (postedRegistry.ts); nothing is added to the message. After a lost answer the
 * message is recognised by its author, visible text, time and card ids instead (findPosted.ts), which survive the
 * way Teams re-serialises HTML.
 *
 * Earlier versions ended every body with an invisible run of zero-width characters (U+2063 U+2060 U+2063, digits
 * from U+200B U+200C U+200D U+2062, U+2063 U+2060 U+2063). It leaked into copies, exports, search and other bots, so
 * it is no longer added; `stripLegacyMarker` removes it from messages posted back then.
 */
import { createHash } from 'crypto';

export interface PostSource {
	executionId: string;
	nodeName: string;
	itemIndex: number;
	/** Where the message goes: team/channel, chat, reply parent. */
	target: string;
	/** The body content as posted. */
	content: string;
}

export function postKey(source: PostSource): string {
	return createHash('sha256')
		.update([source.executionId, source.nodeName, String(source.itemIndex), source.target, source.content].join('\u0000'))
		.digest('hex')
		.slice(0, 20);
}

/** Defined with the visible text it is removed from (nodes/shared/teamsText.ts). */
export { stripLegacyMarker } from '../../shared/teamsText';
