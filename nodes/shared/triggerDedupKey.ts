// `trigger.dedupKey`, the one key every trigger of the package puts on its items (the Microsoft 365 Trigger in
// webhook and polling mode, the Microsoft 365 Polling Trigger, the Outlook Mailbox Trigger): the value a workflow
// deduplicates on with n8n's Remove Duplicates or Redis nodes when an item can come twice (several n8n processes
// receiving the webhooks, n8n killed between an emitting poll's execution and its unawaited static-data write).
//
// The contract: the same for every copy of one change, whichever n8n process, activation, restart or mode emitted
// it, and different for every other change (an edit has one per version). So it is built only from what Graph and
// the node's parameters say, never from a time or an id this n8n made up (presence, which has no id, is the one
// documented exception: see nodes/M365Trigger/output.ts).

/**
 * The target (resource) an item was emitted for, what happened (`created`, `edited:<last edit time>`, `deleted`;
 * presence: the new state and when the state it replaces was recorded) and the id, e.g.
 * `mail:support@contoso.com:inbox|created|AAMk…`, `presence|Away/Away@2026-05-04T09:12:00.000Z|<userId>`.
 */
export function dedupKeyOf(targetKey: string, version: string, id: string): string {
	return `${targetKey}|${version}|${id}`;
}

/**
 * A mail folder as a dedupKey's target: the mailbox as configured (UPN, address, object id or `me`), lower-cased,
 * and the folder as Graph's URL names it (a well-known name such as `inbox`, a folder id, or `all`). The Microsoft
 * 365 Trigger also keys its cursors and emitted ids by it, so its format cannot change without losing their state.
 * Both mail triggers build it the same way, so one message in one folder has one key whichever of them emitted it.
 */
export function mailTargetKey(mailbox: string, folder: string): string {
	return `mail:${mailbox.toLowerCase()}:${folder}`;
}
