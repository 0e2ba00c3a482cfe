// The saved credentials of one harness run: what n8n keeps (encrypted) in its database. The engine reads them
// through the credentials helper and writes back rotated OAuth tokens and pre-authentication results, so a
// test can read the data as n8n would have saved it after the run.
import type { ICredentialDataDecryptedObject, INodeCredentials } from 'n8n-workflow';
import { deepCopy, UnexpectedError } from 'n8n-workflow';

interface StoredCredential {
	type: string;
	name: string;
	data: ICredentialDataDecryptedObject;
}

let nextCredentialNumber = 1;

export class CredentialStore {
	private readonly byId = new Map<string, StoredCredential>();

	/** Saves the data under a fresh id and returns the reference a workflow node carries. */
	add(type: string, data: ICredentialDataDecryptedObject): { id: string; name: string } {
		const id = `harness-credential-${nextCredentialNumber++}`;
		const name = `${type} (harness)`;
		this.byId.set(id, { type, name, data: deepCopy(data) });
		return { id, name };
	}

	/** One stored credential per type, referenced the way a node's `credentials` parameter references them. */
	addAll(
		credentials: Record<string, ICredentialDataDecryptedObject> | undefined,
	): INodeCredentials {
		const references: INodeCredentials = {};
		for (const [type, data] of Object.entries(credentials ?? {}))
			references[type] = this.add(type, data);
		return references;
	}

	read(id: string | null, type: string): StoredCredential {
		const stored = id === null ? undefined : this.byId.get(id);
		if (stored === undefined || stored.type !== type) {
			throw new UnexpectedError(`No stored credential of type "${type}" with id "${id}"`);
		}
		return { ...stored, data: deepCopy(stored.data) };
	}

	write(id: string | null, type: string, data: ICredentialDataDecryptedObject): void {
		const stored = this.read(id, type);
		this.byId.set(id as string, { ...stored, data: deepCopy(data) });
	}

	/** The current saved data per credential type (the last stored one when a type was stored twice). */
	snapshot(): Record<string, ICredentialDataDecryptedObject> {
		const byType: Record<string, ICredentialDataDecryptedObject> = {};
		for (const { type, data } of this.byId.values()) byType[type] = deepCopy(data);
		return byType;
	}
}
