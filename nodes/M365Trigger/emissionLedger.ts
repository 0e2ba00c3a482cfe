// Why this exists: n8n hands every webhook call its own copy of the workflow's static data, read when the call
// arrives and written back whole when it ends. Calls that overlap (Graph's retries of a slow answer, its
// duplicate deliveries, a burst of notifications) do not see each other's emitted ids, and the call that ends
// last overwrites what the others remembered. Both let a change be emitted twice.
//
// Within one n8n process, this ledger is the memory those copies lack: an id is claimed synchronously (nothing
// else runs between the check and the claim) before its resource is read, so two overlapping calls never both
// emit it; and each call's copy is topped up with what the others emitted before n8n writes it back, so
// whichever write lands last still holds every id. Static data stays the durable record: after a restart the
// ledger starts empty and the stored ids take over. It is keyed by the trigger's instance id (new on every
// activation), so nothing leaks between workflows or activations. It covers one process: in n8n's queue mode every
// process that receives a production webhook (the main, unless N8N_DISABLE_PRODUCTION_MAIN_PROCESS, each `n8n
// webhook` process, every main in multi-main) runs webhook() itself and saves static data whole (n8n's
// live-webhooks.ts, workflow-static-data.service.ts), so several of them each keep their own ledger. Across
// processes, every item's trigger.dedupKey (output.ts) is what n8n's Redis or Remove Duplicates node deduplicates
// on (docs/nodes/M365Trigger.md).

/** How long a claim or an emitted id is kept: Graph retries a notification for up to 4 hours. */
const KEEP_MS = 6 * 60 * 60 * 1000;
/** Per ledger, the most ids kept (oldest dropped first), far above what overlaps within KEEP_MS in practice. */
const MAX_IDS = 20_000;

interface Entry {
	at: number;
	emitted: boolean;
}

export interface EmissionLedger {
	/** true when this call may go on with the id: no other call of this process has claimed or emitted it */
	claim(targetKey: string, id: string): boolean;
	/** gives a claim back (the resource could not be read: a retry must be able to emit it) */
	release(targetKey: string, id: string): void;
	markEmitted(targetKey: string, ids: string[]): void;
	/** ids calls of this process emitted for the target, oldest first */
	emitted(targetKey: string): string[];
	/**
	 * Presence has no id, only a state per user: true when `current` differs from the last state emitted (this
	 * process's, else `storedLast` from static data), and then records it as the last, with when (`at`), in the
	 * same step.
	 */
	presenceChanged(targetKey: string, userId: string, current: string, storedLast: string | undefined, at: string): boolean;
	/** the last presence state per user this process recorded for the target */
	lastPresence(targetKey: string): Record<string, string>;
	/** when this process recorded each of those states (ISO) */
	lastPresenceAt(targetKey: string): Record<string, string>;
	/**
	 * A changed resource of the target could not be read after Graph's notification was answered: Graph will not
	 * send it again, so the target must be read back (catch-up). Kept here too, because the call that learns it may
	 * not be the one whose copy of the static data n8n saves last.
	 */
	needCatchUp(targetKey: string): void;
	/** the target was read back in full */
	caughtUp(targetKey: string): void;
	/** targets of this process still to be read back */
	catchUpsPending(): string[];
}

interface Ledger {
	ids: Map<string, Entry>;
	presence: Map<string, Record<string, string>>;
	presenceAt: Map<string, Record<string, string>>;
	catchUps: Set<string>;
}

const ledgers = new Map<string, Ledger>();

function prune(entries: Map<string, Entry>, now: number): void {
	for (const [key, entry] of entries) {
		if (now - entry.at < KEEP_MS && entries.size <= MAX_IDS) break;
		entries.delete(key);
	}
}

export function emissionLedger(instanceId: string, now: () => number = Date.now): EmissionLedger {
	let ledger = ledgers.get(instanceId);
	if (!ledger) {
		ledger = { ids: new Map(), presence: new Map(), presenceAt: new Map(), catchUps: new Set() };
		ledgers.set(instanceId, ledger);
	}
	const { ids, presence, presenceAt, catchUps } = ledger;
	const keyOf = (targetKey: string, id: string) => `${targetKey}\u0000${id}`;
	const touch = (key: string, emitted: boolean) => {
		// Re-inserted so the map stays in order of time, which prune relies on.
		ids.delete(key);
		ids.set(key, { at: now(), emitted });
	};
	return {
		claim(targetKey, id) {
			prune(ids, now());
			const key = keyOf(targetKey, id);
			if (ids.has(key)) return false;
			touch(key, false);
			return true;
		},
		release(targetKey, id) {
			const key = keyOf(targetKey, id);
			if (ids.get(key)?.emitted === false) ids.delete(key);
		},
		markEmitted(targetKey, emittedIds) {
			for (const id of emittedIds) touch(keyOf(targetKey, id), true);
			prune(ids, now());
		},
		emitted(targetKey) {
			const prefix = `${targetKey}\u0000`;
			const result: string[] = [];
			for (const [key, entry] of ids) if (entry.emitted && key.startsWith(prefix)) result.push(key.slice(prefix.length));
			return result;
		},
		presenceChanged(targetKey, userId, current, storedLast, at) {
			const states = presence.get(targetKey) ?? {};
			presence.set(targetKey, states);
			if ((states[userId] ?? storedLast) === current) return false;
			states[userId] = current;
			const times = presenceAt.get(targetKey) ?? {};
			presenceAt.set(targetKey, times);
			times[userId] = at;
			return true;
		},
		lastPresence(targetKey) {
			return { ...(presence.get(targetKey) ?? {}) };
		},
		lastPresenceAt(targetKey) {
			return { ...(presenceAt.get(targetKey) ?? {}) };
		},
		needCatchUp(targetKey) {
			catchUps.add(targetKey);
		},
		caughtUp(targetKey) {
			catchUps.delete(targetKey);
		},
		catchUpsPending() {
			return [...catchUps];
		},
	};
}

/** Drops an instance's ledger (its subscriptions are gone: the workflow was deactivated). */
export function forgetEmissionLedger(instanceId: string): void {
	ledgers.delete(instanceId);
}
