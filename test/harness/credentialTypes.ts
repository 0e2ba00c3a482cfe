// The credential types the harness knows, as n8n's CredentialTypes service knows the installed ones: this
// package's credentials (loaded from credentials/*.credentials.ts on first need), n8n's generic OAuth2 parent,
// and any test-only type a test registers.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import { OAuth2ApiCredential } from './oAuth2ApiCredential';

const PACKAGE_CREDENTIALS_FOLDER = join(__dirname, '..', '..', 'credentials');

type CredentialClass = new () => ICredentialType;

function isCredentialClass(candidate: unknown): candidate is CredentialClass {
	return (
		typeof candidate === 'function' &&
		typeof (candidate.prototype as Partial<ICredentialType> | undefined) === 'object'
	);
}

class CredentialTypeRegistry {
	private readonly types = new Map<string, ICredentialType>();

	private packageCredentialsLoaded = false;

	constructor() {
		this.register(new OAuth2ApiCredential());
	}

	/** Adds or replaces a credential type (test-only types, or a variant of a package credential). */
	register(credentialType: ICredentialType): void {
		this.types.set(credentialType.name, credentialType);
	}

	recognizes(name: string): boolean {
		if (!this.types.has(name)) this.loadPackageCredentials();
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const credentialType = this.recognizes(name) ? this.types.get(name) : undefined;
		if (credentialType === undefined) {
			throw new UnexpectedError(`Unknown credential type "${name}": register it with the harness`);
		}
		return credentialType;
	}

	/** All ancestors through `extends`, nearest first, as n8n's CredentialTypes.getParentTypes returns them. */
	getParentTypes(name: string): string[] {
		const parents = this.getByName(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	// Loaded lazily and file by file, so a credential that does not compile yet only breaks the tests using it.
	private loadPackageCredentials(): void {
		if (this.packageCredentialsLoaded) return;
		this.packageCredentialsLoaded = true;
		let fileNames: string[];
		try {
			fileNames = readdirSync(PACKAGE_CREDENTIALS_FOLDER);
		} catch {
			return;
		}
		for (const fileName of fileNames.filter((name) => name.endsWith('.credentials.ts'))) {
			const exported = require(join(PACKAGE_CREDENTIALS_FOLDER, fileName)) as Record<
				string,
				unknown
			>;
			for (const candidate of Object.values(exported)) {
				if (!isCredentialClass(candidate)) continue;
				const credentialType = new candidate();
				if (typeof credentialType.name === 'string' && Array.isArray(credentialType.properties)) {
					if (!this.types.has(credentialType.name)) this.register(credentialType);
				}
			}
		}
	}
}

/** One registry per test process, like the single CredentialTypes service of an n8n instance. */
export const credentialTypes = new CredentialTypeRegistry();

export function registerCredentialTypes(types: ICredentialType[] | undefined): void {
	for (const credentialType of types ?? []) credentialTypes.register(credentialType);
}
