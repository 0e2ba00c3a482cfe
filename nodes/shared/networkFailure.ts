/**
 * A network-level failure (no HTTP answer) told in words, for messages users see. Never the code itself: n8n
 * replaces any error message that contains a code such as ECONNRESET or ENOTFOUND with its own generic text, which
 * would hide what failed. Never the raw message either: axios errors carry the request and its headers.
 */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was dropped',
	EPIPE: 'the connection was dropped',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'the request timed out',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	CERT_HAS_EXPIRED: "the server's certificate has expired",
	SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not trusted",
	DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is not trusted",
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not trusted",
};

/** The system error code (ENOTFOUND, ECONNRESET, ...) of a failure, also when n8n's helpers or axios wrapped it. */
export function networkErrorCode(error: unknown): string | undefined {
	for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return code;
	}
	return undefined;
}

export function describeNetworkFailure(error: unknown): string {
	const code = networkErrorCode(error);
	if (code && NETWORK_FAILURES[code]) return NETWORK_FAILURES[code];
	const message = error instanceof Error ? error.message : '';
	if (/hang up|reset/i.test(message)) return 'the connection was dropped';
	if (/timeout|timed out/i.test(message)) return 'the request timed out';
	return 'a network error occurred';
}
