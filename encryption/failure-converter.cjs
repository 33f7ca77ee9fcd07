// The failure converter of the worker (workflow bundle and activities) and the clients: a
// failure's message and stack trace go into its encoded attributes, a payload that the codec
// encrypts like any other, so no message or stack is stored in plaintext. Plain CommonJS: the SDK
// `require()`s it by path (DataConverter.failureConverterPath) outside any TypeScript loader,
// and webpack bundles it into the workflow code.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
