// Headless Chromium (Debian's package, driven by playwright-core) for what only a browser shows: n8n's real
// OAuth2 Connect flow through the identity provider's sign-in page, and the editor with the package's nodes.
import { X509Certificate, createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { isOAuth2Connected, type SignInAccount } from './oauth';
import { DEFAULT_OWNER, type N8nRestClient, type OwnerAccount } from './rest';
import { ensureDebianPackage } from './debianPackage';

export const CHROMIUM_PATH = process.env.M365_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Installs Debian's chromium when it is missing (the e2e setup may; nothing else installs system packages). */
export async function ensureChromium(): Promise<string> {
	return await ensureDebianPackage(CHROMIUM_PATH, 'chromium');
}

/** Chromium trusts exactly this certificate's key: the emulator's, whose CA no system store knows. */
function spkiHash(certPath: string): string {
	const certificate = new X509Certificate(fs.readFileSync(certPath));
	const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
	return createHash('sha256').update(spki).digest('base64');
}

export interface BrowserSession {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

/** A fresh headless Chromium with an empty profile; trusts the emulator's certificate when one is set. */
export async function launchChromium(
	options: { trustCertificate?: string } = {},
): Promise<BrowserSession> {
	const executablePath = await ensureChromium();
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'm365-chromium-'));
	const certificate = options.trustCertificate ?? process.env.M365_EMULATOR_CA_CERT;
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath,
		headless: true,
		viewport: { width: 1600, height: 1000 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			...(certificate && fs.existsSync(certificate)
				? [`--ignore-certificate-errors-spki-list=${spkiHash(certificate)}`]
				: []),
		],
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		close: async () => {
			await context.close();
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

/**
 * Signs the browser in to n8n as the owner, the way the editor does it: the session cookie bound to the
 * browser id the editor keeps in localStorage.
 */
export async function signInBrowser(
	session: BrowserSession,
	client: N8nRestClient,
	owner: OwnerAccount = DEFAULT_OWNER,
): Promise<void> {
	const { origin } = new URL(client.baseUrl);
	await session.context.addInitScript(
		({ n8nOrigin, browserId }) => {
			if (window.location.origin === n8nOrigin) window.localStorage.setItem('n8n-browserId', browserId);
		},
		{ n8nOrigin: origin, browserId: client.browserId },
	);
	const response = await session.context.request.post(`${client.baseUrl}/rest/login`, {
		headers: { 'browser-id': client.browserId },
		data: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!response.ok()) throw new Error(`browser sign-in to n8n failed: ${response.status()} ${await response.text()}`);
}

/** Fills Entra's sign-in page (the emulator's follows Entra's field ids), an MFA prompt and a consent page. */
async function signInAtIdentityProvider(page: Page, account: SignInAccount, n8nCallback: string): Promise<void> {
	await page.locator('#i0116').fill(account.login);
	await page.locator('#i0118').fill(account.password);
	await page.locator('#idSIButton9').click();
	for (let step = 0; step < 3; step++) {
		await page.waitForLoadState('load');
		if (page.url().startsWith(n8nCallback)) return;
		if (await page.locator('#idTxtBx_SAOTCC_OTC').count()) {
			await page.locator('#idTxtBx_SAOTCC_OTC').fill(account.mfaCode ?? '');
			await page.locator('#idSubmit_SAOTCC_Continue').click();
		} else if (await page.locator('#permissions').count()) {
			await page.locator('#idSIButton9').click();
		} else {
			const text = (await page.locator('body').innerText()).slice(0, 800);
			throw new Error(`sign-in stopped at ${new URL(page.url()).pathname}: ${text}`);
		}
	}
	await page.waitForURL((url) => url.toString().startsWith(n8nCallback));
}

/**
 * Connects an OAuth2 credential through n8n's real flow in the browser: n8n's authorize redirect (requested by
 * the signed-in browser, so n8n's browser-binding cookie is set), the sign-in page, n8n's callback.
 * Returns the text of n8n's callback page; throws when n8n does not hold tokens afterwards.
 */
export async function connectOAuth2InBrowser(
	session: BrowserSession,
	client: N8nRestClient,
	credentialId: string,
	account: SignInAccount,
	options: { screenshotDir?: string } = {},
): Promise<string> {
	const answer = await session.context.request.get(
		`${client.baseUrl}/rest/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`,
		{ headers: { 'browser-id': client.browserId } },
	);
	if (!answer.ok()) throw new Error(`n8n refused to start the OAuth flow: ${answer.status()} ${await answer.text()}`);
	const { data: authorizeUrl } = (await answer.json()) as { data: string };
	const { page } = session;
	await page.goto(authorizeUrl);
	if (options.screenshotDir) await page.screenshot({ path: path.join(options.screenshotDir, 'oauth-sign-in.png') });
	const n8nCallback = `${client.baseUrl}/rest/oauth2-credential/callback`;
	await signInAtIdentityProvider(page, account, n8nCallback);
	await page.waitForLoadState('load');
	const callbackText = await page.locator('body').innerText();
	if (options.screenshotDir) await page.screenshot({ path: path.join(options.screenshotDir, 'oauth-callback.png') });
	if (!(await isOAuth2Connected(client, credentialId))) {
		throw new Error(`n8n did not store tokens; its callback page said: ${callbackText.slice(0, 800)}`);
	}
	return callbackText;
}
