// Preloaded (node --require) into the jest runs of realTenantSuite.test.ts: every host name other than loopback
// fails to resolve, as it does on a machine without internet, so a simulated real-tenant run never reaches
// Microsoft with its made-up credentials, on any machine. Nothing answers in Microsoft's place.
const dns = require('node:dns');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

function refused(hostname) {
	const error = new Error(`getaddrinfo ENOTFOUND ${hostname} (offline test run)`);
	error.code = 'ENOTFOUND';
	error.hostname = hostname;
	return error;
}

const lookup = dns.lookup;
dns.lookup = function offlineLookup(hostname, options, callback) {
	if (LOOPBACK.has(String(hostname).toLowerCase())) return lookup.apply(this, arguments);
	const done = typeof options === 'function' ? options : callback;
	process.nextTick(() => done(refused(hostname)));
	return {};
};

const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function offlinePromisesLookup(hostname, options) {
	if (LOOPBACK.has(String(hostname).toLowerCase())) return await promisesLookup.call(this, hostname, options);
	throw refused(hostname);
};
