// A Teams user of the emulator tenant writing in a chat as the Teams client does: signed in through the emulator's
// authorize page (delegated, like any Teams client) and calling Graph with that token, so what n8n's trigger sees
// is a person's message, edit or delete, exactly as Graph announces it.
//
// The demo's tenant has one app, so this user signs in with n8n's app, and Teams allows an app one request per second
// per chat (https://learn.microsoft.com/en-us/graph/throttling-limits#microsoft-teams-service-limits). A real Teams
// client is Microsoft's own app, whose requests do not count against n8n's: so what the user sees of the chat is read
// from the emulator's state (not a Graph request; watching the chat through Graph every second would take the chat's
// whole second from n8n, which then draws 429s until its retries run out), and her few writes wait out a 429.
import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { INTEGRATION_ACCOUNT_SCOPES } from '../../nodes/shared/auth/scopes';
import { quoteAttachment } from '../../nodes/M365TeamsMessage/helpers/quote';
import { signInDelegated } from '../../test/support/emulatorCredentials';
import { retryAfterSeconds } from '../../nodes/shared/transport/retryBudget';
import { EmulatorHttpError, emulatorRequest, type EmulatorProcess } from '../n8n-runtime';

export interface TeamsUser {
	id: string;
	displayName: string;
	/** the chat's messages, newest first, as this user sees them */
	messages(chatId: string): Promise<ChatMessage[]>;
	post(chatId: string, text: string, quoting?: ChatMessage): Promise<ChatMessage>;
	edit(chatId: string, message: ChatMessage, text: string): Promise<void>;
	remove(chatId: string, messageId: string): Promise<void>;
}

/** Attempts of one write that Graph throttles before the demo gives up on it. */
const THROTTLED_ATTEMPTS = 30;

export async function signInTeamsUser(emulator: EmulatorProcess, key: string): Promise<TeamsUser> {
	const { info } = emulator;
	const user = info.users[key];
	const tokens = await signInDelegated({ loginUrl: info.loginUrl, tenantId: info.tenantId } as never, {
		user: { upn: user.upn, password: user.password },
		appId: info.clientId,
		clientSecret: info.clientSecret,
		scopes: INTEGRATION_ACCOUNT_SCOPES,
	});
	const graph = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
		for (let attempt = 1; ; attempt++) {
			try {
				return await emulatorRequest<T>(new URL(`/v1.0${path}`, info.graphUrl), method, body, { authorization: `Bearer ${tokens.access_token}` });
			} catch (error) {
				// Throttled (n8n's requests share the app's second on this chat): Graph did not act; again after its
				// Retry-After (1 s when it sends none: Teams' limits are per second).
				if (attempt >= THROTTLED_ATTEMPTS || !(error instanceof EmulatorHttpError) || error.status !== 429) throw error;
				const retryAfter = error.headers['retry-after'];
				const seconds = retryAfterSeconds(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) ?? 1;
				await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
			}
		}
	};
	const chatPath = (chatId: string) => `/chats/${encodeURIComponent(chatId)}/messages`;
	/** Teams keeps a quote as a messageReference attachment named in the body. */
	const html = (text: string, quote?: { bodyTag: string }) => `${quote?.bodyTag ?? ''}<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`;
	return {
		id: user.id,
		displayName: user.displayName ?? user.upn,
		messages: async (chatId) => {
			const state = await emulator.control<{ chats: Record<string, { messages: ChatMessage[] } | undefined> }>('GET', '/state');
			return [...(state.chats[chatId]?.messages ?? [])].reverse().slice(0, 50);
		},
		post: async (chatId, text, quoting) => {
			const quote = quoting ? quoteAttachment(quoting) : undefined;
			return await graph<ChatMessage>('POST', chatPath(chatId), {
				body: { contentType: 'html', content: html(text, quote) },
				...(quote ? { attachments: [quote.attachment] } : {}),
			});
		},
		edit: async (chatId, message, text) => {
			const quotes = (message.attachments ?? []).filter((attachment) => attachment.contentType === 'messageReference');
			const tags = quotes.map((attachment) => `<attachment id="${attachment.id}"></attachment>`).join('');
			await graph('PATCH', `${chatPath(chatId)}/${encodeURIComponent(message.id ?? '')}`, {
				body: { contentType: 'html', content: `${tags}${html(text)}` },
				...(quotes.length ? { attachments: quotes } : {}),
			});
		},
		remove: async (chatId, messageId) => {
			await graph('POST', `/users/${user.id}/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(messageId)}/softDelete`);
		},
	};
}
