// n8n loads nodes and credentials from the paths in package.json's "n8n" section; this entry point
// exists so that `require('n8n-nodes-m365-integration')` resolves and lists what the package ships.
const { n8n } = require('./package.json');

module.exports = {
	credentials: n8n.credentials,
	nodes: n8n.nodes,
};
